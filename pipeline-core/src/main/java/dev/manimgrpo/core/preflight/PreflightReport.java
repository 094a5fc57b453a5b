package dev.manimgrpo.core.preflight;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The preflight results of one node.
 *
 * @param host the node's host name
 * @param executorId the Spark executor id ({@code driver} on local Spark), or {@code local} for the
 *     command line
 * @param results one per thing checked, in check order
 */
public record PreflightReport(String host, String executorId, List<CheckResult> results) implements Serializable {

  public PreflightReport {
    results = List.copyOf(results);
  }

  /** True when no check failed (warnings allowed). */
  public boolean ok() {
    return results.stream().noneMatch(CheckResult::failed);
  }

  public List<CheckResult> failures() {
    return results.stream().filter(CheckResult::failed).toList();
  }

  public List<CheckResult> warnings() {
    return results.stream().filter(r -> r.status() == CheckResult.Status.WARNING).toList();
  }

  /** {@code host (executor id)}: how messages name the node. */
  public String node() {
    return host + " (executor " + executorId + ")";
  }

  /**
   * One line for the failures: {@code host (executor 1): runtime: no provisioned Manim runtime at
   * /x -> run ...; bubblewrap: ... -> apt-get install bubblewrap}. Empty when none failed.
   */
  public String failureLine() {
    if (ok()) {
      return "";
    }
    return node() + ": " + failures().stream()
        .map(r -> r.check() + ": " + r.detail() + (r.remedy().isEmpty() ? "" : " -> " + r.remedy()))
        .collect(Collectors.joining("; "));
  }

  /** The one error of a job whose nodes failed: every failing node, what is wrong, what to install. */
  public static String failureMessage(List<PreflightReport> failed) {
    return "preflight failed on " + failed.size() + (failed.size() == 1 ? " node" : " nodes") + " (set"
        + " preflight.enabled=false to skip it): " + failed.stream().map(PreflightReport::failureLine)
        .collect(Collectors.joining(" | "));
  }
}
