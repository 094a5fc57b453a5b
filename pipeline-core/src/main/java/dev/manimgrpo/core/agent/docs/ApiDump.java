package dev.manimgrpo.core.agent.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.agent.ApiDoc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A dump of the installed manim's API and its JSON form,
 * {@code {"manim_version": "0.21.0", "entries": [{"name", "qualified_name", "kind", "signature", "doc"}, ...]}}.
 *
 * <p>Why one reader and writer: the render worker writes this form when it lists the API, and the index
 * keeps a copy beside itself in the same form, so exact lookups need neither manim nor Lucene.
 *
 * @param manimVersion the manim the entries were read from
 * @param entries one per public name
 */
public record ApiDump(String manimVersion, List<ApiDoc> entries) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ApiDump {
    Objects.requireNonNull(manimVersion, "manimVersion");
    entries = List.copyOf(entries);
  }

  public static ApiDump read(Path file) throws IOException {
    return fromJson(JSON.readTree(file.toFile()), file.toString());
  }

  public static ApiDump read(InputStream in, String source) throws IOException {
    return fromJson(JSON.readTree(in), source);
  }

  public void write(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode().put("manim_version", manimVersion);
    ArrayNode list = root.putArray("entries");
    for (ApiDoc d : entries) {
      list.addObject().put("name", d.name()).put("qualified_name", d.qualifiedName()).put("kind", d.kind())
          .put("signature", d.signature()).put("doc", d.doc());
    }
    JSON.writeValue(file.toFile(), root);
  }

  private static ApiDump fromJson(JsonNode root, String source) throws IOException {
    JsonNode list = root == null ? null : root.get("entries");
    if (list == null || !list.isArray()) {
      throw new IOException("not a manim API dump (no \"entries\" array): " + source);
    }
    List<ApiDoc> entries = new ArrayList<>(list.size());
    for (JsonNode e : list) {
      String name = e.path("name").asText("");
      if (name.isBlank()) {
        throw new IOException("an entry of the manim API dump " + source + " has no name: " + e);
      }
      entries.add(new ApiDoc(name, text(e, "qualified_name"), text(e, "kind"), text(e, "signature"), text(e, "doc")));
    }
    return new ApiDump(root.path("manim_version").asText(""), entries);
  }

  private static String text(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
