package dev.manimgrpo.core.eval;

import static dev.manimgrpo.core.eval.EvalSampleBuilder.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvalAggregatesTest {

  /** A small table whose aggregates are worked out by hand in the tests below. */
  static List<EvalSample> table() {
    List<EvalSample> s = new ArrayList<>();
    s.add(sample("p", "base", "direct", "a").vs(0.8, 0.7).codeBleu(0.5).tokens(100, 50).wall(2).build());
    s.add(sample("p", "base", "direct", "b").rounds("runtime_error").error("NameError").codeBleu(0.3)
        .tokens(100, 40).wall(2).build());
    s.add(sample("p", "base", "direct", "c").vs(0.6, 0.5).codeBleu(0.7).tokens(120, 60).wall(4).build());
    s.add(sample("p", "base", "direct", "d").rounds("no_code").renders(0).tokens(80, 30).wall(1).build());

    s.add(sample("p", "base", "ritl", "a").vs(0.9, 0.8).codeBleu(0.6).tokens(100, 50).wall(3).build());
    s.add(sample("p", "base", "ritl", "b").rounds("runtime_error", "rendered").vs(0.7, 0.6).codeBleu(0.4)
        .tokens(300, 100).wall(6).build());
    s.add(sample("p", "base", "ritl", "c").rounds("syntax_error", "runtime_error", "rendered").vs(0.5, 0.4)
        .codeBleu(0.5).tokens(500, 150).wall(9).build());
    s.add(sample("p", "base", "ritl", "d").rounds("runtime_error", "runtime_error", "runtime_error")
        .error("AttributeError").codeBleu(0.2).tokens(450, 150).wall(8).build());

    s.add(sample("q", "sft", "ritl_doc", "a").vs(0.5, 0.5).build());
    s.add(sample("q", "sft", "ritl_doc", "b").rounds("timeout", "rendered").vs(0.3, 0.1).build());
    s.add(sample("q", "base", "direct", "a").rounds("syntax_error").build());
    return s;
  }

  private static List<EvalSample> shuffled() {
    List<EvalSample> s = new ArrayList<>(table());
    Collections.shuffle(s, new Random(3));
    return s;
  }

  @Test
  void groupsComeInPolicyStageAndStrategyOrder() {
    assertThat(EvalAggregates.compute(shuffled())).extracting(EvalAggregate::group).containsExactly(
        new EvalGroup("p", "base", "direct"), new EvalGroup("p", "base", "ritl"),
        new EvalGroup("q", "base", "direct"), new EvalGroup("q", "sft", "ritl_doc"));
  }

  @Test
  void directRowMatchesTheHandComputation() {
    EvalAggregate d = EvalAggregates.compute(shuffled()).get(0);
    assertThat(d.n()).isEqualTo(4);
    assertThat(d.rsr().mean()).isEqualTo(0.5);
    assertThat(d.vsStudy().mean()).isCloseTo(1.4 / 4, within(1e-12));
    assertThat(d.vsDefault().mean()).isCloseTo(1.2 / 4, within(1e-12));
    assertThat(d.withProgram()).isEqualTo(3);
    assertThat(d.codeBleu().mean()).isCloseTo(0.5, within(1e-12));
    assertThat(d.meanRounds()).isEqualTo(1.0);
    assertThat(d.rendersPerSample()).isEqualTo(0.75);
    assertThat(d.tokensPerSample()).isEqualTo(145.0);
    assertThat(d.wallSecondsPerSample()).isEqualTo(2.25);
    assertThat(d.rendersVsDirect()).isEqualTo(1.0);
    assertThat(d.tokensVsDirect()).isEqualTo(1.0);
    assertThat(d.wallVsDirect()).isEqualTo(1.0);
    assertThat(d.firstRoundSuccessRate()).isEqualTo(0.5);
    assertThat(d.recoveredByFeedback()).isZero();
  }

  @Test
  void ritlRowMatchesTheHandComputationAndItsCostAgainstDirect() {
    EvalAggregate r = EvalAggregates.compute(shuffled()).get(1);
    assertThat(r.n()).isEqualTo(4);
    assertThat(r.rsr().mean()).isEqualTo(0.75);
    assertThat(r.vsStudy().mean()).isCloseTo(2.1 / 4, within(1e-12));
    assertThat(r.vsDefault().mean()).isCloseTo(1.8 / 4, within(1e-12));
    assertThat(r.codeBleu().mean()).isCloseTo(1.7 / 4, within(1e-12));
    assertThat(r.meanRounds()).isEqualTo(2.25);
    assertThat(r.rendersPerSample()).isEqualTo(2.25);
    assertThat(r.tokensPerSample()).isEqualTo(450.0);
    assertThat(r.wallSecondsPerSample()).isEqualTo(6.5);
    assertThat(r.rendersVsDirect()).isCloseTo(3.0, within(1e-12));
    assertThat(r.tokensVsDirect()).isCloseTo(450.0 / 145, within(1e-12));
    assertThat(r.wallVsDirect()).isCloseTo(6.5 / 2.25, within(1e-12));
    assertThat(r.firstRoundSuccessRate()).isEqualTo(0.25);
    assertThat(r.recoveredByFeedback()).isEqualTo(2);
  }

  @Test
  void withoutADirectRowOrTokenCountsTheRatiosAreNull() {
    EvalAggregate doc = EvalAggregates.compute(shuffled()).get(3);
    assertThat(doc.tokensPerSample()).isNull();
    assertThat(doc.rendersVsDirect()).isNull();
    assertThat(doc.tokensVsDirect()).isNull();
    assertThat(doc.wallVsDirect()).isNull();
    assertThat(doc.withProgram()).isZero();
    assertThat(doc.codeBleu().isEmpty()).isTrue();
    assertThat(doc.recoveredByFeedback()).isEqualTo(1);
    assertThat(doc.firstRoundSuccessRate()).isEqualTo(0.5);
  }

  @Test
  void intervalsHoldTheirMeansAndDoNotDependOnSampleOrder() {
    List<EvalAggregate> a = EvalAggregates.compute(table(), 500, 11, 0.9);
    List<EvalAggregate> b = EvalAggregates.compute(shuffled(), 500, 11, 0.9);
    assertThat(a).isEqualTo(b);
    for (EvalAggregate x : a) {
      assertThat(x.rsr().contains(x.rsr().mean())).as(x.group().label()).isTrue();
      assertThat(x.vsDefault().contains(x.vsDefault().mean())).as(x.group().label()).isTrue();
      assertThat(x.rsr().lo()).isBetween(0.0, 1.0);
      assertThat(x.rsr().hi()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void recoveryCurvesClimbRoundByRound() {
    List<RoundRecovery> curves = RoundRecovery.compute(shuffled());
    assertThat(curves).extracting(RoundRecovery::group).containsExactly(
        new EvalGroup("p", "base", "direct"), new EvalGroup("p", "base", "ritl"),
        new EvalGroup("q", "base", "direct"), new EvalGroup("q", "sft", "ritl_doc"));
    assertThat(curves.get(0).cumulativeSuccess()).containsExactly(0.5);
    assertThat(curves.get(1).cumulativeSuccess()).containsExactly(0.25, 0.5, 0.75);
    assertThat(curves.get(2).cumulativeSuccess()).containsExactly(0.0);
    assertThat(curves.get(3).cumulativeSuccess()).containsExactly(0.5, 1.0);
  }

  @Test
  void aSampleWithoutRecordedRoundsCountsItsLastRound() {
    EvalSample full = sample("p", "base", "ritl", "x").rounds("runtime_error", "rendered").build();
    EvalSample bare = new EvalSample(full.evalId(), full.policy(), full.stage(), full.strategy(), full.promptId(),
        full.split(), full.difficulty(), full.taskPrompt(), full.templateVersion(), 2, "rendered", true, null, null,
        full.finalCode(), 0.5, 0.5, null, null, false, null, -1, -1, 2, 1, 1, 2, "id", "v", null);
    assertThat(RoundRecovery.firstRenderedRound(full)).isEqualTo(2);
    assertThat(RoundRecovery.firstRenderedRound(bare)).isEqualTo(2);
    assertThat(RoundRecovery.firstRenderedRound(sample("p", "base", "ritl", "y").rounds("timeout").build())).isZero();
  }

  @Test
  void ritlDocsDraftIsNotARoundOfTheLoop() {
    EvalSample firstTime = sample("p", "sft", "ritl_doc", "a").draft().rounds("rendered").build();
    EvalSample second = sample("p", "sft", "ritl_doc", "b").draft().rounds("runtime_error", "rendered").build();
    assertThat(RoundRecovery.firstRenderedRound(firstTime)).isEqualTo(1);
    assertThat(RoundRecovery.firstRenderedRound(second)).isEqualTo(2);
    RoundRecovery curve = RoundRecovery.compute(List.of(firstTime, second)).get(0);
    assertThat(curve.cumulativeSuccess()).containsExactly(0.5, 1.0);
    EvalAggregate a = EvalAggregates.compute(List.of(firstTime, second)).get(0);
    assertThat(a.recoveredByFeedback()).isEqualTo(1);
    assertThat(a.firstRoundSuccessRate()).isEqualTo(0.5);
  }
}
