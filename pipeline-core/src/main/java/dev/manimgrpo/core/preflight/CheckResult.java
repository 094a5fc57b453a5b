package dev.manimgrpo.core.preflight;

import java.io.Serializable;
import java.util.Objects;

/**
 * The outcome of one preflight check on one node.
 *
 * @param check short name of what was checked, e.g. {@code bubblewrap}
 * @param status ok, warning (works, with less: e.g. rlimits instead of cgroups) or failed (a job
 *     cannot run here)
 * @param detail what was found
 * @param remedy what to install or set; empty when nothing is to be done
 */
public record CheckResult(String check, Status status, String detail, String remedy) implements Serializable {

  /** How a check ended. */
  public enum Status {
    OK, WARNING, FAILED
  }

  public CheckResult {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail.strip();
    remedy = remedy == null ? "" : remedy.strip();
  }

  public static CheckResult ok(String check, String detail) {
    return new CheckResult(check, Status.OK, detail, "");
  }

  public static CheckResult warning(String check, String detail, String remedy) {
    return new CheckResult(check, Status.WARNING, detail, remedy);
  }

  public static CheckResult failed(String check, String detail, String remedy) {
    return new CheckResult(check, Status.FAILED, detail, remedy);
  }

  public boolean failed() {
    return status == Status.FAILED;
  }
}
