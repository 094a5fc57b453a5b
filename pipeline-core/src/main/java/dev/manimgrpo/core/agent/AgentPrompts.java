package dev.manimgrpo.core.agent;

import java.util.List;
import java.util.Map;

/**
 * The agent's prompt texts, all of them here and versioned: the version goes into every evaluation
 * row, so a change of wording is never mistaken for a change of policy.
 *
 * <p>Feedback rounds use the study's tagged layout: {@code <TEXT_SCRIPT>} (the task),
 * {@code <INITIAL_CODE>} (the previous program), {@code <RENDER_ERRORS>} (the render's last stderr
 * lines, {@code NONE} when there were none), for RITL-DOC {@code <API_INFO>}, and the answer asked
 * for inside {@code <CODE>}. The text is the task a policy client receives: the project's policy
 * wraps it in its own template and an OpenAI-compatible server gets it as the user message, as
 * for any task.
 */
public final class AgentPrompts {

  /** Recorded in every evaluation row; change it whenever a text below changes. */
  public static final String VERSION = "manim-agent-v1";

  /** What one API_INFO block may hold, so docs cannot crowd the program out of a context window. */
  public static final int API_INFO_MAX_CHARS = 6000;
  /** What one entry may hold inside the block. */
  static final int ENTRY_MAX_CHARS = 900;

  static final String INSTRUCTION = "Write a complete Manim Community Edition program (`from manim import *`, one"
      + " Scene subclass with construct()) that animates the script, fixing what made the initial code fail."
      + " Answer with the program inside <CODE></CODE>.";
  static final String DOC_INSTRUCTION = "Write a complete Manim Community Edition program (`from manim import *`,"
      + " one Scene subclass with construct()) that animates the script. The API information documents the"
      + " names the initial code uses; use it to call them correctly. Answer with the program inside"
      + " <CODE></CODE>.";

  private AgentPrompts() {}

  /** The first round of direct and RITL: the task description itself. */
  public static String first(String task) {
    return task;
  }

  /**
   * A round that shows the policy its previous program: a feedback round after a failed render
   * (errors = its stderr tail), or RITL-DOC's documented revision of the first draft (errors
   * {@code NONE}, as nothing was rendered yet).
   *
   * @param apiInfo the API_INFO block's body, or null for plain RITL
   */
  public static String revise(String task, String previousCode, List<String> renderErrors, String apiInfo) {
    StringBuilder b = new StringBuilder();
    tag(b, "TEXT_SCRIPT", task.strip());
    tag(b, "INITIAL_CODE", previousCode == null || previousCode.isBlank() ? "NONE" : previousCode.stripTrailing());
    tag(b, "RENDER_ERRORS", renderErrors == null || renderErrors.isEmpty() ? "NONE" : String.join("\n", renderErrors));
    if (apiInfo != null) {
      tag(b, "API_INFO", apiInfo.isBlank() ? "NONE" : apiInfo);
    }
    b.append(apiInfo != null ? DOC_INSTRUCTION : INSTRUCTION);
    return b.toString();
  }

  /**
   * The API_INFO body: each documented name's signature and docstring, then one line per name
   * without documentation ({@code NO DOCUMENTATION AVAILABLE FOR X}, as the study writes it), with
   * the closest real names when the API search proposes some.
   *
   * @param suggestions for a missing name, real names that resemble it (may be empty)
   */
  public static String apiInfo(CodeDocs docs, Map<String, List<ApiDoc>> suggestions) {
    return apiInfo(docs, suggestions, List.of());
  }

  /**
   * The API_INFO body as above, then, under {@value #RELATED_HEADER}, the signature and first
   * docstring line of each entry the API search found for the task description that the program
   * does not use yet (the rest of the block's room, if any, is theirs).
   */
  public static String apiInfo(CodeDocs docs, Map<String, List<ApiDoc>> suggestions, List<ApiDoc> related) {
    StringBuilder b = new StringBuilder(namesInfo(docs, suggestions));
    java.util.Set<String> shown = new java.util.HashSet<>();
    docs.found().forEach(d -> shown.add(d.qualifiedName()));
    List<String> lines = new java.util.ArrayList<>();
    for (ApiDoc d : related) {
      if (shown.add(d.qualifiedName())) {
        String first = d.doc().isBlank() ? "" : d.doc().strip().lines().findFirst().orElse("");
        lines.add(d.signature() + (first.isEmpty() ? "" : "\n    " + first));
      }
    }
    if (!lines.isEmpty()) {
      String header = (b.length() > 0 ? "\n\n" : "") + RELATED_HEADER + "\n";
      if (b.length() + header.length() < API_INFO_MAX_CHARS) {
        b.append(header);
        for (String l : lines) {
          String entry = l.length() > ENTRY_MAX_CHARS ? l.substring(0, ENTRY_MAX_CHARS) + " ..." : l;
          if (b.length() + entry.length() + 1 > API_INFO_MAX_CHARS) {
            break;
          }
          b.append(entry).append('\n');
        }
      }
    }
    return b.toString().strip();
  }

  /** Heads the entries found for the task description rather than for the program's names. */
  public static final String RELATED_HEADER = "RELATED TO THE TASK:";

  private static String namesInfo(CodeDocs docs, Map<String, List<ApiDoc>> suggestions) {
    StringBuilder b = new StringBuilder();
    for (ApiDoc d : docs.found()) {
      String entry = d.signature() + (d.doc().isBlank() ? "" : "\n" + indent(d.doc()));
      if (entry.length() > ENTRY_MAX_CHARS) {
        entry = entry.substring(0, ENTRY_MAX_CHARS).stripTrailing() + " ...";
      }
      if (b.length() + entry.length() + 2 > API_INFO_MAX_CHARS) {
        break;
      }
      b.append(entry).append("\n\n");
    }
    for (String missing : docs.missing()) {
      List<ApiDoc> close = suggestions.getOrDefault(missing, List.of());
      String line = "NO DOCUMENTATION AVAILABLE FOR " + missing;
      if (!close.isEmpty()) {
        line += " (closest real names: " + String.join(", ", close.stream().map(ApiDoc::qualifiedName).toList())
            + ")";
        for (ApiDoc d : close.subList(0, 1)) {
          line += "\n" + d.signature();
        }
      }
      if (b.length() + line.length() + 1 > API_INFO_MAX_CHARS) {
        break;
      }
      b.append(line).append('\n');
    }
    return b.toString().strip();
  }

  private static String indent(String doc) {
    return "    " + doc.strip().replace("\n", "\n    ");
  }

  private static void tag(StringBuilder b, String name, String body) {
    b.append('<').append(name).append(">\n").append(body).append("\n</").append(name).append(">\n");
  }
}
