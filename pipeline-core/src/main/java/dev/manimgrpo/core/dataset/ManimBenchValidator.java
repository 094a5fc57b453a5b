package dev.manimgrpo.core.dataset;

import dev.manimgrpo.core.code.SceneClassFinder;
import dev.manimgrpo.core.dataset.ManimBenchSample.Difficulty;
import dev.manimgrpo.core.dataset.ManimBenchSample.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks ManimBench rows and turns them into samples. Every problem names the row (0-based,
 * in file order), the column and what to do; all problems are reported at once.
 */
public final class ManimBenchValidator {

  private static final int MAX_LISTED = 25;

  private ManimBenchValidator() {}

  /**
   * Validates {@code rows} (column name to value, in file order).
   *
   * @param source where the rows came from, for messages
   * @param promptColumn the column used as the prompt, which must not be blank
   */
  public static List<ManimBenchSample> validate(String source, List<Map<String, String>> rows, String promptColumn) {
    List<String> problems = new ArrayList<>();
    List<ManimBenchSample> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, String> r = rows.get(i);
      int before = problems.size();
      String code = r.get(ManimBenchSchema.CODE);
      if (code == null || code.isBlank()) {
        problems.add(at(i, ManimBenchSchema.CODE, "is empty; every sample needs its reference Manim code"));
      } else if (SceneClassFinder.find(code).isEmpty()) {
        problems.add(at(i, ManimBenchSchema.CODE, "defines no Scene subclass (class X(Scene): ...); the reference must be renderable"));
      }
      String prompt = r.get(promptColumn);
      if (prompt == null || prompt.isBlank()) {
        problems.add(at(i, promptColumn, "is empty but is the prompt column; fill it or choose the other description with dataset.prompt-column"));
      }
      Difficulty type = Difficulty.parse(r.get(ManimBenchSchema.TYPE));
      if (type == null) {
        problems.add(at(i, ManimBenchSchema.TYPE, "is '" + r.get(ManimBenchSchema.TYPE) + "', expected Basic, Intermediate or Advanced"));
      }
      Split split = Split.parse(r.get(ManimBenchSchema.SPLIT));
      if (split == null) {
        problems.add(at(i, ManimBenchSchema.SPLIT, "is '" + r.get(ManimBenchSchema.SPLIT) + "', expected train or test"));
      }
      if (problems.size() == before) {
        out.add(ManimBenchSample.of(r.get(ManimBenchSchema.GENERATED_DESCRIPTION),
            r.get(ManimBenchSchema.REVIEWED_DESCRIPTION), code, type, split));
      }
    }
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder(source + " has " + problems.size() + " problem(s) in " + rows.size() + " rows:");
      problems.stream().limit(MAX_LISTED).forEach(p -> sb.append("\n  ").append(p));
      if (problems.size() > MAX_LISTED) {
        sb.append("\n  ... and ").append(problems.size() - MAX_LISTED).append(" more");
      }
      throw new ManimBenchFormatException(sb.toString());
    }
    return out;
  }

  /** Checks that the file has every ManimBench column; names the missing ones and the present ones. */
  public static void checkColumns(String source, List<String> present) {
    List<String> missing = ManimBenchSchema.COLUMNS.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new ManimBenchFormatException(source + " is missing column(s) " + missing + "; it has " + present
          + ". A ManimBench v1 file has " + ManimBenchSchema.COLUMNS + ".");
    }
  }

  private static String at(int row, String column, String what) {
    return "row " + row + ", column '" + column + "' " + what;
  }

  /** A ManimBench file that cannot be used as it is. */
  public static final class ManimBenchFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ManimBenchFormatException(String message) {
      super(message);
    }
  }
}
