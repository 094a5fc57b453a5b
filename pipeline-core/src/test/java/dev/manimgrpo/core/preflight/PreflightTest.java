package dev.manimgrpo.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.CheckResult.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightTest {

  @Test
  void aCheckThatThrowsIsAFailureAndTheOthersStillRun() {
    PreflightCheck throwing = c -> {
      throw new IllegalStateException("boom");
    };
    PreflightCheck fine = c -> List.of(CheckResult.ok("fine", "yes"));

    PreflightReport r = Preflight.run(List.of(throwing, fine), PipelineConfig.defaults(), "node-1", "7");

    assertThat(r.results()).extracting(CheckResult::status).containsExactly(Status.FAILED, Status.OK);
    assertThat(r.results().get(0).detail()).contains("boom");
    assertThat(r.ok()).isFalse();
  }

  @Test
  void aCheckThatDoesNotApplyIsNotRun() {
    PreflightCheck never = new PreflightCheck() {
      @Override
      public boolean appliesTo(PipelineConfig config) {
        return false;
      }

      @Override
      public List<CheckResult> run(PipelineConfig config) {
        throw new AssertionError("ran");
      }
    };

    assertThat(Preflight.run(List.of(never), PipelineConfig.defaults(), "h", "1").results()).isEmpty();
  }

  @Test
  void theFailureMessageIsOneLineNamingEachNodeAndItsRemedies() {
    PreflightReport a = new PreflightReport("node-a", "1", List.of(CheckResult.ok("runtime", "fine"),
        CheckResult.failed("bubblewrap", "bwrap not on the PATH", "apt-get install bubblewrap")));
    PreflightReport b = new PreflightReport("node-b", "2", List.of(
        CheckResult.warning("cgroup v2", "not delegated", "Delegate=yes"),
        CheckResult.failed("runtime", "no runtime at /x", "run cluster-conf/provision/manim-runtime.sh")));

    String m = PreflightReport.failureMessage(List.of(a, b));

    assertThat(m).doesNotContain("\n").startsWith("preflight failed on 2 nodes")
        .contains("node-a (executor 1): bubblewrap: bwrap not on the PATH -> apt-get install bubblewrap")
        .contains("node-b (executor 2): runtime: no runtime at /x -> run cluster-conf/provision/manim-runtime.sh")
        .doesNotContain("cgroup").contains("preflight.enabled=false");
  }

  @Test
  void warningsDoNotFailANode() {
    PreflightReport r = new PreflightReport("h", "1", List.of(CheckResult.warning("cgroup v2", "no", "yes")));
    assertThat(r.ok()).isTrue();
    assertThat(r.failureLine()).isEmpty();
  }

  @Test
  void thePreflightExceptionCarriesNoStackTrace() {
    assertThat(new PreflightException("x").getStackTrace()).isEmpty();
  }
}
