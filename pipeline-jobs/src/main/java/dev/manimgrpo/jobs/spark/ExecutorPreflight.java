package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.preflight.PreflightException;
import dev.manimgrpo.core.preflight.PreflightReport;
import java.util.List;

/**
 * This executor JVM's preflight result, recorded by {@link PreflightPlugin} at executor start and
 * consulted by the executor's render pools and policy client before they start: a task on a node
 * that failed its preflight (one that joined after the driver's check, say) fails at once with the
 * report's one-line message, not later with a stack trace.
 */
public final class ExecutorPreflight {

  private static volatile PreflightReport report;

  private ExecutorPreflight() {}

  static void record(PreflightReport r) {
    report = r;
  }

  /** Forgets the result (local Spark: the next session's executor checks again). */
  static void clear() {
    report = null;
  }

  /** The recorded report, or null when none ran in this JVM (preflight off, or not an executor). */
  public static PreflightReport report() {
    return report;
  }

  /** Throws the node's preflight failure, if it had one. */
  public static void requireOk() {
    PreflightReport r = report;
    if (r != null && !r.ok()) {
      throw new PreflightException(PreflightReport.failureMessage(List.of(r)));
    }
  }
}
