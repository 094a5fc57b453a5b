package dev.manimgrpo.policy.sampling;

import java.util.List;

/**
 * How to sample.
 *
 * @param temperature 0 for greedy decoding, otherwise logits are divided by it
 * @param topP        nucleus sampling: keep the most likely tokens whose probabilities sum to at
 *                    least this (1 = off)
 * @param minP        keep tokens with probability at least {@code minP * max probability} (0 = off)
 * @param maxTokens   most tokens generated per completion
 * @param stopTokenSequences generation ends once the completion ends with one of these id sequences
 * @param stopStrings generation ends once the decoded completion contains one of these (needs the
 *                    sampler's decoder)
 * @param seed        fixes every random choice
 */
public record SamplingParams(double temperature, double topP, double minP, int maxTokens,
    List<int[]> stopTokenSequences, List<String> stopStrings, long seed) {

  public SamplingParams {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("SamplingParams: temperature must be >= 0, got "
          + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("SamplingParams: topP must be in (0, 1], got " + topP);
    }
    if (!(minP >= 0 && minP < 1)) {
      throw new IllegalArgumentException("SamplingParams: minP must be in [0, 1), got " + minP);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("SamplingParams: maxTokens must be >= 1, got "
          + maxTokens);
    }
    stopTokenSequences = stopTokenSequences == null ? List.of() : List.copyOf(stopTokenSequences);
    stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    for (int[] s : stopTokenSequences) {
      if (s.length == 0) {
        throw new IllegalArgumentException("SamplingParams: empty stop token sequence");
      }
    }
    for (String s : stopStrings) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("SamplingParams: empty stop string");
      }
    }
  }

  /** Plain sampling with no stop sequences. */
  public static SamplingParams of(double temperature, double topP, double minP, int maxTokens,
      long seed) {
    return new SamplingParams(temperature, topP, minP, maxTokens, List.of(), List.of(), seed);
  }

  public static SamplingParams greedy(int maxTokens) {
    return of(0.0, 1.0, 0.0, maxTokens, 0L);
  }

  public SamplingParams withStopTokens(List<int[]> sequences) {
    return new SamplingParams(temperature, topP, minP, maxTokens, sequences, stopStrings, seed);
  }

  public SamplingParams withStopStrings(List<String> strings) {
    return new SamplingParams(temperature, topP, minP, maxTokens, stopTokenSequences, strings,
        seed);
  }

  public SamplingParams withSeed(long newSeed) {
    return new SamplingParams(temperature, topP, minP, maxTokens, stopTokenSequences, stopStrings,
        newSeed);
  }
}
