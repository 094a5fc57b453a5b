package dev.manimgrpo.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.preflight.CheckResult;
import dev.manimgrpo.core.preflight.PreflightException;
import dev.manimgrpo.core.preflight.PreflightReport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PreflightGateTest {

  private static final PreflightReport GOOD = new PreflightReport("node-a", "1", List.of(CheckResult.ok("runtime", "ok")));
  private static final PreflightReport BAD = new PreflightReport("node-b", "2",
      List.of(CheckResult.failed("bubblewrap", "bwrap is not on the PATH", "apt-get install bubblewrap")));

  @Test
  void failsNamingEveryFailingNode() {
    assertThatThrownBy(() -> PreflightGate.check(() -> 2, () -> List.of(GOOD, BAD), true, 5_000))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("node-b (executor 2): bubblewrap: bwrap is not on the PATH -> apt-get install bubblewrap")
        .hasMessageNotContaining("node-a");
  }

  @Test
  void waitsForTheReportsOfRegisteredExecutors() {
    List<PreflightReport> arrived = new ArrayList<>();
    AtomicInteger polls = new AtomicInteger();
    // the bad report arrives on the third poll: the gate must still be waiting then
    java.util.function.Supplier<Collection<PreflightReport>> reports = () -> {
      if (polls.incrementAndGet() == 3) {
        arrived.add(BAD);
      }
      return List.copyOf(arrived);
    };

    assertThatThrownBy(() -> PreflightGate.check(() -> 1, reports, true, 30_000))
        .isInstanceOf(PreflightException.class).hasMessageContaining("node-b");
  }

  @Test
  void goesOnWhenReportsAreMissingAfterTheWait() {
    PreflightGate.check(() -> 2, () -> List.of(GOOD), true, 200);
  }

  @Test
  void waitsForAFirstExecutorOnlyWhenAsked() {
    AtomicInteger registered = new AtomicInteger();
    AtomicInteger polls = new AtomicInteger();
    PreflightGate.check(registered::get, () -> List.of(), false, 30_000);

    // static allocation: an executor registers and reports on a later poll
    java.util.function.Supplier<Collection<PreflightReport>> reports = () -> {
      if (polls.incrementAndGet() >= 3) {
        registered.set(1);
        return List.of(BAD);
      }
      return List.of();
    };
    assertThatThrownBy(() -> PreflightGate.check(registered::get, reports, true, 30_000))
        .isInstanceOf(PreflightException.class);
    assertThat(polls.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void theSparkPluginsListGetsThePluginOnce() {
    assertThat(SparkSessions.withPlugin("", "p.P")).isEqualTo("p.P");
    assertThat(SparkSessions.withPlugin("a.A, b.B", "p.P")).isEqualTo("a.A,b.B,p.P");
    assertThat(SparkSessions.withPlugin("p.P,a.A", "p.P")).isEqualTo("p.P,a.A");
  }

  @Test
  void aTasksPreflightFailureIsFoundInSparksJobFailure() {
    String msg = "preflight failed on 1 node (set preflight.enabled=false to skip it): h (executor 3): runtime: x -> y";
    RuntimeException sparkLike = new RuntimeException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4"
        + " times, most recent failure: Lost task 0.3 in stage 1.0 (TID 7) (h executor 3): "
        + PreflightException.class.getName() + ": " + msg + "\nDriver stacktrace:\n\tat org.apache.spark.X");

    assertThat(SparkSessions.preflightFailureIn(new IllegalStateException("wrapped", sparkLike))).isEqualTo(msg);
    assertThat(SparkSessions.preflightFailureIn(new PreflightException(msg))).isEqualTo(msg);
    assertThat(SparkSessions.preflightFailureIn(new RuntimeException("other"))).isNull();
  }
}
