package dev.manimgrpo.core.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The strict use of {@link ManimBenchRowChecker}, for a data set that must be whole (the bundled
 * set, the SFT data, {@code dataset validate}): any rejected row is an error. Every problem names the
 * row (0-based, in file order), the column and what to do; all problems are reported at once. Jobs
 * that can run without the bad rows use the checker directly and quarantine them instead.
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
    List<RawRow> raw = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      raw.add(RawRow.ofText(source, i, rows.get(i)));
    }
    return requireAll(source, rows.size(), ManimBenchRowChecker.check(raw, promptColumn, Integer.MAX_VALUE));
  }

  /** The accepted samples, or an error listing every rejected row when there is one. */
  public static List<ManimBenchSample> requireAll(String source, int rowCount, ManimBenchRowChecker.Checked checked) {
    List<Rejection> problems = checked.rejected();
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder(source + " has " + problems.size() + " bad row(s) of " + rowCount + ":");
      problems.stream().limit(MAX_LISTED).forEach(p -> sb.append("\n  ").append(p.message()));
      if (problems.size() > MAX_LISTED) {
        sb.append("\n  ... and ").append(problems.size() - MAX_LISTED).append(" more");
      }
      throw new ManimBenchFormatException(sb.toString());
    }
    return checked.accepted();
  }

  /** Checks that the file has every ManimBench column; names the missing ones and the present ones. */
  public static void checkColumns(String source, List<String> present) {
    List<String> missing = ManimBenchSchema.COLUMNS.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new ManimBenchFormatException(source + " is missing column(s) " + missing + "; it has " + present
          + ". A ManimBench v1 file has " + ManimBenchSchema.COLUMNS + ".");
    }
  }

  /** A ManimBench file that cannot be used as it is. */
  public static final class ManimBenchFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ManimBenchFormatException(String message) {
      super(message);
    }
  }
}
