package dev.manimgrpo.core.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Summarises evaluated samples into one {@link EvalAggregate} per (policy, stage, strategy). Runs on
 * the driver over collected samples (thousands at most): plain Java, no Spark.
 */
public final class EvalAggregates {

  /** The order samples of a group are resampled in: by prompt, then by score (a duplicate prompt). */
  static final Comparator<EvalSample> SAMPLE_ORDER = Comparator.comparing(EvalSample::promptId,
          Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparingDouble(EvalSample::vsDefault)
      .thenComparingDouble(EvalSample::vsStudy)
      .thenComparing(EvalSample::success)
      .thenComparingInt(EvalSample::roundsUsed);

  private EvalAggregates() {}

  /** With B = 2000 resamples, 95 % intervals and the default seed. */
  public static List<EvalAggregate> compute(List<EvalSample> samples) {
    return compute(samples, BootstrapInterval.RESAMPLES_DEFAULT, BootstrapInterval.SEED_DEFAULT,
        BootstrapInterval.CONFIDENCE_DEFAULT);
  }

  /**
   * One aggregate per group, in {@link EvalGroup#ORDER} (policy, stage, then direct, ritl, ritl_doc).
   *
   * @param bootstrapSamples resamples per interval
   * @param seed the seed of every interval (the same for each); samples are put in prompt order first, so
   *     the same samples give the same table whatever order they were collected in
   * @param confidence two-sided coverage of the intervals
   */
  public static List<EvalAggregate> compute(List<EvalSample> samples, int bootstrapSamples, long seed,
      double confidence) {
    BootstrapInterval bootstrap = new BootstrapInterval(bootstrapSamples, confidence, seed);
    Map<EvalGroup, List<EvalSample>> groups = new TreeMap<>();
    for (EvalSample s : samples) {
      groups.computeIfAbsent(EvalGroup.of(s), g -> new ArrayList<>()).add(s);
    }
    // samples collected from a cluster come in any order: fix it, so the same samples give the same intervals
    groups.values().forEach(list -> list.sort(SAMPLE_ORDER));
    List<EvalAggregate> out = new ArrayList<>();
    for (Map.Entry<EvalGroup, List<EvalSample>> e : groups.entrySet()) {
      EvalGroup g = e.getKey();
      List<EvalSample> direct = groups.get(g.direct());
      out.add(aggregate(g, e.getValue(), direct, bootstrap));
    }
    return out;
  }

  /** One group's aggregate; {@code direct} is the same policy and stage's direct samples, or null. */
  static EvalAggregate aggregate(EvalGroup g, List<EvalSample> list, List<EvalSample> direct,
      BootstrapInterval bootstrap) {
    double[] codeBleu = list.stream().filter(s -> s.codeBleu() != null).mapToDouble(EvalSample::codeBleu).toArray();
    int firstRound = 0;
    int recovered = 0;
    for (EvalSample s : list) {
      int r = RoundRecovery.firstRenderedRound(s);
      firstRound += r == 1 ? 1 : 0;
      recovered += r > 1 ? 1 : 0;
    }
    double renders = mean(list, s -> s.renders());
    Double tokens = tokensPerSample(list);
    double wall = mean(list, EvalSample::wallSeconds);
    Double rendersVsDirect = null;
    Double tokensVsDirect = null;
    Double wallVsDirect = null;
    if (direct != null) {
      rendersVsDirect = ratio(renders, mean(direct, s -> s.renders()));
      tokensVsDirect = tokens == null ? null : ratio(tokens, tokensPerSample(direct));
      wallVsDirect = ratio(wall, mean(direct, EvalSample::wallSeconds));
    }
    return new EvalAggregate(g.policy(), g.stage(), g.strategy(), list.size(),
        bootstrap.of(values(list, s -> s.success() ? 1 : 0)),
        bootstrap.of(values(list, EvalSample::vsStudy)),
        bootstrap.of(values(list, EvalSample::vsDefault)),
        codeBleu.length, bootstrap.of(codeBleu),
        mean(list, s -> s.roundsUsed()), renders, tokens, wall,
        rendersVsDirect, tokensVsDirect, wallVsDirect,
        list.isEmpty() ? Double.NaN : (double) firstRound / list.size(), recovered);
  }

  /**
   * Mean prompt + completion tokens, or null unless every sample reports both: a mean over the samples
   * that happen to report them would compare different samples with direct's.
   */
  static Double tokensPerSample(List<EvalSample> list) {
    if (list.isEmpty() || list.stream().anyMatch(s -> s.promptTokens() < 0 || s.completionTokens() < 0)) {
      return null;
    }
    return mean(list, s -> s.promptTokens() + s.completionTokens());
  }

  /** a / b, or null when b is missing or 0 (no ratio to speak of). */
  static Double ratio(double a, Double b) {
    return b == null || b == 0 || Double.isNaN(b) ? null : a / b;
  }

  private static double[] values(List<EvalSample> list, ToDoubleFunction<EvalSample> f) {
    return list.stream().mapToDouble(f).toArray();
  }

  private static double mean(List<EvalSample> list, ToDoubleFunction<EvalSample> f) {
    return list.stream().mapToDouble(f).average().orElse(Double.NaN);
  }
}
