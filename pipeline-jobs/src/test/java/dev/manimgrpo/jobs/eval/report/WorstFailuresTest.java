package dev.manimgrpo.jobs.eval.report;

import static dev.manimgrpo.core.eval.EvalSampleBuilder.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.eval.EvalSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorstFailuresTest {

  @Test
  void noProgramThenLowCodeBleuThenMoreRoundsThenMatrixOrder() {
    List<EvalSample> samples = List.of(
        sample("p", "base", "ritl", "ok").build(),
        sample("p", "base", "ritl", "bleu-0.5").rounds("timeout").codeBleu(0.5).build(),
        sample("p", "base", "ritl", "bleu-0.1").rounds("timeout").codeBleu(0.1).build(),
        sample("p", "base", "ritl", "bleu-0.1-3r").rounds("timeout", "timeout", "timeout").codeBleu(0.1).build(),
        sample("p", "base", "direct", "none").rounds("no_code").build(),
        sample("a", "base", "direct", "none").rounds("no_code").build());
    assertThat(WorstFailures.pick(samples, 10)).extracting(s -> s.policy() + ":" + s.promptId())
        .containsExactly("a:none", "p:none", "p:bleu-0.1-3r", "p:bleu-0.1", "p:bleu-0.5");
    assertThat(WorstFailures.pick(samples, 2)).hasSize(2);
  }
}
