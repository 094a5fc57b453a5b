package dev.manimgrpo.jobs.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.jobs.rollout.RolloutSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrpoLoopCurveTest {

  @Test
  void theCurveShowsEachStepsQuarantinedInputRows() {
    RolloutSummary s = new RolloutSummary("r", 0, "dl4j:bundled", 6, 48, 40, 40 / 48.0, 0.5, 0.1, 0.6, 0.7,
        Map.of("rendered", 40L, "syntax_error", 8L), 2, 0, 4, 1, 2, 0.1, 48, 10, 4.8, 0, 0, "shard", 3,
        Map.of("reference_failed", 3L), "quarantine");
    String table = GrpoLoop.curve(List.of(new GrpoLoop.StepResult(0, "bundled", s, "trained", "next")));
    String[] lines = table.split("\n");
    assertThat(lines[0]).contains("prompts").contains("quarantined").contains("rollouts");
    assertThat(lines[2].trim().split("\\s+")).startsWith("0", "bundled", "6", "3", "48", "83.3%");
  }
}
