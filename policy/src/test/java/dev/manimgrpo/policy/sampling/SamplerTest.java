package dev.manimgrpo.policy.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.policy.model.LanguageModel;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.NativeThreads;
import dev.manimgrpo.policy.model.TrainingPass;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The sampler's contract, run with each engine. */
class SamplerTest {

  @BeforeAll
  static void oneOpThread() {
    // libnd4j's OpenMP threads only add barrier overhead on these tiny arrays (see NativeThreads).
    NativeThreads.limitOpThreads(1);
  }

  @Nested
  class WithSameDiff extends Contract {
    @Override
    TrainerConfig.Engine engine() {
      return TrainerConfig.Engine.SAMEDIFF;
    }
  }

  @Nested
  class WithNd4j extends Contract {
    @Override
    TrainerConfig.Engine engine() {
      return TrainerConfig.Engine.ND4J;
    }
  }

  abstract static class Contract {

  abstract TrainerConfig.Engine engine();

  private static final int NO_EOS = -1; // an id the model can never produce
  private final LanguageModel lm = LanguageModel.of(engine());
  private final ModelParameters p = KvCacheTest.params(DataType.FLOAT);
  private final int[][] prompts = {{3, 1, 4}, {1, 5}};

  @Test
  void aFixedSeedReproducesTheSamples() {
    Sampler s = new Sampler(lm, NO_EOS);
    SamplingParams sp = SamplingParams.of(1.0, 1.0, 0.0, 6, 42);
    List<List<Completion>> a = s.sample(p, prompts, 4, sp);
    List<List<Completion>> b = s.sample(p, prompts, 4, sp);
    List<List<Completion>> c = s.sample(p, prompts, 4, sp.withSeed(43));
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(a).hasSize(2);
    assertThat(a.get(0)).hasSize(4);
    // The group is not four copies of one completion.
    assertThat(a.get(0).stream().map(x -> Arrays.toString(x.tokens())).distinct().count())
        .isGreaterThan(1);
  }

  @Test
  void cachedAndUncachedSamplingAgree() {
    Sampler s = new Sampler(lm, NO_EOS);
    SamplingParams sp = SamplingParams.of(0.8, 0.9, 0.05, 7, 5);
    ModelParameters d = KvCacheTest.params(DataType.DOUBLE);
    assertThat(s.sample(d, prompts, 3, sp)).isEqualTo(s.sampleWithoutCache(d, prompts, 3, sp));
  }

  @Test
  void temperatureZeroIsGreedy() {
    Sampler s = new Sampler(lm, NO_EOS);
    Completion c = s.sample(p, prompts[0], 2, SamplingParams.greedy(5)).get(1);
    int[] seq = prompts[0];
    for (int t : c.tokens()) {
      float[] logits = lm.lastLogits(p, new int[][] {seq}).toFloatMatrix()[0];
      assertThat(t).isEqualTo(LogitFilter.argmax(logits));
      seq = KvCacheTest.append(seq, t);
    }
    assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(c.tokens()).hasSize(5);
  }

  @Test
  void logProbsAreThoseOfTheTrainingForward() {
    Sampler s = new Sampler(lm, NO_EOS);
    Completion c = s.sample(p, prompts[0], 1, SamplingParams.of(1.5, 0.8, 0.0, 6, 9)).get(0);
    int[] full = prompts[0];
    for (int t : c.tokens()) {
      full = KvCacheTest.append(full, t);
    }
    int[] input = Arrays.copyOf(full, full.length - 1);
    int[] targets = new int[input.length];
    Arrays.fill(targets, -1);
    for (int i = 0; i < c.length(); i++) {
      targets[prompts[0].length - 1 + i] = c.tokens()[i];
    }
    TrainingPass fr = lm.forward(p, new int[][] {input}, new int[][] {targets}, false, 0);
    for (int i = 0; i < c.length(); i++) {
      assertThat(fr.logProbs().getDouble(0, prompts[0].length - 1 + i))
          .isCloseTo(c.logProbs()[i], within(1e-4));
    }
  }

  @Test
  void stopTokenSequencesStringsAndEosEndGeneration() {
    Sampler plain = new Sampler(lm, NO_EOS);
    int[] free = plain.sample(p, prompts[0], 1, SamplingParams.greedy(8)).get(0).tokens();
    assertThat(free).hasSize(8);

    int[] stop = {free[2], free[3]};
    Completion byTokens = plain.sample(p, prompts[0], 1,
        SamplingParams.greedy(8).withStopTokens(List.of(new int[] {12, 12, 12}, stop))).get(0);
    assertThat(byTokens.finishReason()).isEqualTo(FinishReason.STOP);
    int end = firstEnd(free, stop);
    assertThat(byTokens.tokens()).containsExactly(Arrays.copyOf(free, end));

    Sampler decoding = new Sampler(lm, NO_EOS, ids -> Arrays.stream(ids)
        .mapToObj(i -> String.valueOf((char) ('a' + i))).collect(Collectors.joining()));
    String stopText = "" + (char) ('a' + free[4]) + (char) ('a' + free[5]);
    Completion byText = decoding.sample(p, prompts[0], 1,
        SamplingParams.greedy(8).withStopStrings(List.of(stopText))).get(0);
    assertThat(byText.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(byText.length()).isLessThanOrEqualTo(6);

    Sampler eos = new Sampler(lm, free[3]);
    Completion byEos = eos.sample(p, prompts[0], 1, SamplingParams.greedy(8)).get(0);
    assertThat(byEos.finishReason()).isEqualTo(FinishReason.EOS);
    int firstEos = 0;
    while (free[firstEos] != free[3]) {
      firstEos++;
    }
    assertThat(byEos.tokens()).containsExactly(Arrays.copyOf(free, firstEos + 1));
  }

  @Test
  void theContextLengthCapsACompletion() {
    Sampler s = new Sampler(lm, NO_EOS);
    int[] longPrompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; // context 12 leaves room for 2
    List<List<Completion>> out = s.sample(p, new int[][] {longPrompt, {1}}, 2,
        SamplingParams.of(1.0, 1.0, 0.0, 5, 1));
    assertThat(out.get(0)).allSatisfy(c -> {
      assertThat(c.length()).isEqualTo(2);
      assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
    });
    assertThat(out.get(1)).allSatisfy(c -> assertThat(c.length()).isEqualTo(5));
    assertThatThrownBy(() -> s.sample(p, new int[][] {new int[12]}, 1, SamplingParams.greedy(2)))
        .hasMessageContaining("prompt 0 has 12 tokens");
  }

  @Test
  void samplingParamsValidate() {
    assertThatThrownBy(() -> SamplingParams.of(-1, 1, 0, 5, 0)).hasMessageContaining("temperature");
    assertThatThrownBy(() -> SamplingParams.of(1, 0, 0, 5, 0)).hasMessageContaining("topP");
    assertThatThrownBy(() -> SamplingParams.of(1, 1, 1, 5, 0)).hasMessageContaining("minP");
    assertThatThrownBy(() -> SamplingParams.of(1, 1, 0, 0, 0)).hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> new Sampler(lm, 0).sample(p, prompts, 1,
        SamplingParams.greedy(3).withStopStrings(List.of("x"))))
        .hasMessageContaining("decoder");
  }

  private static int firstEnd(int[] tokens, int[] stop) {
    for (int i = stop.length; i <= tokens.length; i++) {
      if (Arrays.equals(tokens, i - stop.length, i, stop, 0, stop.length)) {
        return i;
      }
    }
    throw new AssertionError("no stop");
  }
}
}
