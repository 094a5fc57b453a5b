package dev.manimgrpo.core.dataset;

import java.util.List;

/**
 * An input row that is not run, and why: one row of a job's quarantine table.
 *
 * @param source the file the row came from
 * @param rowNumber its 0-based position in that file, or -1 when not known
 * @param promptId its sample id, or null when it has no usable code to derive one from
 * @param field the column at fault
 * @param reason the first rule the row broke
 * @param message what is wrong with the row, naming it and the field, and what to do; every problem of the row
 * @param excerpt the start of the offending value, escaped and bounded ({@link Excerpts})
 * @param split the row's split as written (for the job's split filter), or null
 * @param type the row's type as written, or null
 */
public record Rejection(String source, long rowNumber, String promptId, String field, RejectReason reason,
    String message, String excerpt, String split, String type) implements java.io.Serializable {

  /** One broken rule of a row. */
  public record Problem(String field, RejectReason reason, String what, String excerpt) {}

  /** The rejection of a row from its problems, the first of which gives the reason and field. */
  static Rejection of(RawRow row, String promptId, List<Problem> problems, String split, String type) {
    Problem first = problems.get(0);
    StringBuilder m = new StringBuilder(where(row.source(), row.rowNumber(), null));
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      m.append(i == 0 ? ", " : "; ").append("column '").append(p.field()).append("' ").append(p.what());
    }
    if (promptId != null) {
      m.append(" (sample id ").append(promptId).append(')');
    }
    return new Rejection(row.source(), row.rowNumber(), promptId, first.field(), first.reason(), m.toString(),
        first.excerpt(), split, type);
  }

  /**
   * A sample whose reference program did not render: it cannot be scored, so its prompt is not run.
   *
   * @param source the sample's file, or the data set's name when the row is not known
   * @param rowNumber its row in that file, or -1
   * @param code the reference program, for the excerpt (the failing line when known)
   * @param status the render's status ({@code python_error}, {@code timeout}, ...)
   * @param stderrTail the render's last stderr lines
   */
  public static Rejection referenceFailed(String source, long rowNumber, String promptId, String code, String status,
      String exceptionType, Integer errorLine, String renderMessage, List<String> stderrTail) {
    StringBuilder m = new StringBuilder(where(source, rowNumber, null)).append(", column '")
        .append(ManimBenchSchema.CODE).append("': the reference did not render (status ").append(status);
    if (exceptionType != null && !exceptionType.isBlank()) {
      m.append(", ").append(exceptionType);
    }
    if (errorLine != null) {
      m.append(" at line ").append(errorLine);
    }
    m.append(')');
    if (renderMessage != null && !renderMessage.isBlank()) {
      m.append(": ").append(Excerpts.of(renderMessage));
    }
    List<String> tail = stderrTail == null ? List.of() : stderrTail;
    if (!tail.isEmpty()) {
      m.append("; stderr tail: ").append(Excerpts.of(String.join("\n", tail.subList(Math.max(0, tail.size() - 3),
          tail.size()))));
    }
    m.append("; its prompt is not run. Fix the reference program (manim-grpo render renders one file) or remove the"
        + " row; a rerun of the same step keeps it in quarantine, a new step or run tries it again");
    if (promptId != null) {
      m.append(" (sample id ").append(promptId).append(')');
    }
    String excerpt = Excerpts.of(code);
    if (code != null && errorLine != null && errorLine >= 1) {
      String[] lines = code.split("\n", -1);
      if (errorLine <= lines.length) {
        excerpt = "line " + errorLine + ": " + Excerpts.of(lines[errorLine - 1]);
      }
    }
    return new Rejection(source, rowNumber, promptId, ManimBenchSchema.CODE, RejectReason.REFERENCE_FAILED,
        m.toString(), excerpt, null, null);
  }

  /** {@code <source> row N (sample id X)}, the way every message names a row. */
  public static String where(String source, long rowNumber, String promptId) {
    return source + (rowNumber >= 0 ? " row " + rowNumber : "") + (promptId == null ? "" : " (sample id " + promptId + ")");
  }
}
