package dev.manimgrpo.core.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The study's published figures, bundled so every report can print them beside its own.
 *
 * <p>The resource {@code study-results.csv} has the header
 * {@code model,training,strategy,rounds,rsr,vs,source}; an empty rounds or vs cell is "not reported".
 * Cells hold no commas or quotes (the reader does not unquote).
 */
public final class StudyResults {

  /** The bundled table, next to this class. */
  public static final String RESOURCE = "study-results.csv";

  static final String HEADER = "model,training,strategy,rounds,rsr,vs,source";

  private StudyResults() {}

  /** The bundled published figures, in file order. */
  public static List<StudyResult> bundled() {
    try (InputStream in = StudyResults.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing next to " + StudyResults.class.getName());
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Parses the CSV lines (header first; blank lines and lines starting with # skipped). */
  static List<StudyResult> parse(List<String> lines) {
    List<StudyResult> out = new ArrayList<>();
    boolean header = true;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (header) {
        if (!line.equals(HEADER)) {
          throw new IllegalArgumentException("study results: header must be '" + HEADER + "', got '" + line + "'");
        }
        header = false;
        continue;
      }
      String[] c = line.split(",", -1);
      if (c.length != 7) {
        throw new IllegalArgumentException("study results line " + (i + 1) + ": expected 7 cells, got " + c.length
            + " in '" + line + "'");
      }
      try {
        out.add(new StudyResult(c[0].strip(), c[1].strip(), c[2].strip(),
            c[3].isBlank() ? null : Integer.valueOf(c[3].strip()), Double.parseDouble(c[4].strip()),
            c[5].isBlank() ? null : Double.valueOf(c[5].strip()), c[6].strip()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("study results line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }
}
