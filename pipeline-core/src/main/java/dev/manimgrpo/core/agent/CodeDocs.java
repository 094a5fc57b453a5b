package dev.manimgrpo.core.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the installed manim documents of one program: the names the program calls or reads in
 * assignments (builtins, scene verbs and its own names dropped), the entry found for each, and
 * the names nothing was found for.
 *
 * @param names every name, in order of first use
 * @param found the entries found, in the same order
 * @param missing names with no documentation in the installed manim
 * @param parseError why the program could not be parsed (then there are no names), or null
 */
public record CodeDocs(List<String> names, List<ApiDoc> found, List<String> missing, String parseError) {

  /** Caps what one worker reply may put into a prompt, whatever it claims. */
  private static final int MAX_NAMES = 40;
  private static final int MAX_TEXT = 4000;

  public CodeDocs {
    names = List.copyOf(names);
    found = List.copyOf(found);
    missing = List.copyOf(missing);
  }

  /** The worker's {@code api_docs} reply: {@code names} and, index for index, an entry or null. */
  public static CodeDocs fromWorker(JsonNode reply) {
    List<String> names = new ArrayList<>();
    List<ApiDoc> found = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    JsonNode entries = reply.path("entries");
    for (int i = 0; i < reply.path("names").size() && i < MAX_NAMES; i++) {
      String name = clip(reply.path("names").path(i).asText(""));
      if (name.isEmpty()) {
        continue;
      }
      names.add(name);
      JsonNode e = entries.path(i);
      if (e.isObject()) {
        found.add(entry(e));
      } else {
        missing.add(name);
      }
    }
    String parseError = reply.hasNonNull("parse_error") ? clip(reply.path("parse_error").asText()) : null;
    return new CodeDocs(names, found, missing, parseError);
  }

  /** Entries of an {@code api_dump} reply. */
  public static List<ApiDoc> entries(JsonNode array) {
    List<ApiDoc> out = new ArrayList<>(array.size());
    for (JsonNode e : array) {
      out.add(entry(e));
    }
    return out;
  }

  private static ApiDoc entry(JsonNode e) {
    return new ApiDoc(clip(e.path("name").asText("")), clip(e.path("qualified_name").asText(null)),
        clip(e.path("kind").asText("")), clip(e.path("signature").asText(null)), clip(e.path("doc").asText("")));
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }
}
