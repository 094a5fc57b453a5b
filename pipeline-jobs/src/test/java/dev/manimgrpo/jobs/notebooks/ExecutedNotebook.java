package dev.manimgrpo.jobs.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A notebook after {@link NotebookRunner} executed it: its cells' outputs, found by the tags the
 * notebook gives its cells ({@code metadata.tags}), so that a test asserts on what an analyst sees.
 */
public final class ExecutedNotebook {

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
  private static final Pattern BLANKS = Pattern.compile("\\s+");

  private final JsonNode root;

  ExecutedNotebook(JsonNode root) {
    this.root = root;
  }

  /** The notebook's JSON (nbformat 4). */
  public JsonNode json() {
    return root;
  }

  /** How many outputs hold a PNG image (a plot shown with {@code plt.show()}). */
  public int pngCount() {
    int n = 0;
    for (JsonNode cell : codeCells()) {
      for (JsonNode out : cell.path("outputs")) {
        if (out.path("data").has("image/png")) {
          n++;
        }
      }
    }
    return n;
  }

  /** Everything the notebook printed or displayed as text: stdout, stderr and text/plain, in order. */
  public String allText() {
    StringBuilder sb = new StringBuilder();
    codeCells().forEach(c -> sb.append(text(c, true)));
    return sb.toString();
  }

  /**
   * What the cell tagged {@code tag} printed to stdout, plus the text/plain of what it displayed.
   *
   * @throws IllegalArgumentException when no code cell has the tag
   */
  public String text(String tag) {
    return text(cell(tag), false);
  }

  /**
   * A table the cell tagged {@code tag} printed with pandas' {@code to_string(index=False)}: one map
   * per row, column name to the printed value. Values must not contain blanks.
   */
  public List<Map<String, String>> printedTable(String tag) {
    List<String> lines = text(cell(tag), false).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("Cell '" + tag + "' printed nothing");
    }
    String[] header = BLANKS.split(lines.get(0));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] values = BLANKS.split(line);
      if (values.length != header.length) {
        throw new IllegalArgumentException("Cell '" + tag + "': row '" + line + "' has " + values.length
            + " values, the header " + header.length);
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], values[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  /** The first error a cell raised: its number, source, exception and traceback (colours removed). */
  public Optional<String> firstError() {
    int index = 0;
    for (JsonNode cell : root.path("cells")) {
      for (JsonNode out : cell.path("outputs")) {
        if ("error".equals(out.path("output_type").asText())) {
          StringBuilder tb = new StringBuilder();
          out.path("traceback").forEach(l -> tb.append(l.asText()).append('\n'));
          return Optional.of("cell " + index + " raised " + out.path("ename").asText() + ": "
              + out.path("evalue").asText() + "\n--- cell source ---\n" + joined(cell.path("source"))
              + "\n--- traceback ---\n" + ANSI.matcher(tb).replaceAll(""));
        }
      }
      index++;
    }
    return Optional.empty();
  }

  private List<JsonNode> codeCells() {
    List<JsonNode> cells = new ArrayList<>();
    root.path("cells").forEach(c -> {
      if ("code".equals(c.path("cell_type").asText())) {
        cells.add(c);
      }
    });
    return cells;
  }

  private JsonNode cell(String tag) {
    for (JsonNode c : codeCells()) {
      for (JsonNode t : c.path("metadata").path("tags")) {
        if (tag.equals(t.asText())) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException("No code cell tagged '" + tag + "'");
  }

  private static String text(JsonNode cell, boolean withStderr) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode out : cell.path("outputs")) {
      String type = out.path("output_type").asText();
      if ("stream".equals(type) && (withStderr || "stdout".equals(out.path("name").asText()))) {
        sb.append(joined(out.path("text")));
      } else if (out.path("data").has("text/plain")) {
        sb.append(joined(out.path("data").path("text/plain"))).append('\n');
      }
    }
    return sb.toString();
  }

  // nbformat stores multi-line strings either as one string or as a list of lines.
  private static String joined(JsonNode text) {
    if (!text.isArray()) {
      return text.asText();
    }
    StringBuilder sb = new StringBuilder();
    text.forEach(l -> sb.append(l.asText()));
    return sb.toString();
  }
}
