package dev.manimgrpo.jobs.eval.report;

import dev.manimgrpo.core.eval.EvalGroup;
import dev.manimgrpo.core.eval.EvalSample;
import java.util.Comparator;
import java.util.List;

/**
 * Which failed samples the report opens up round by round. Every failure scores VS 0, so the order
 * looks further: no program at all (no CodeBLEU) before a wrong one, lower CodeBLEU first, more rounds
 * spent first; then the matrix order and prompt id, so the choice is the same on every run.
 */
final class WorstFailures {

  /** Failed samples shown when the caller does not say. */
  static final int COUNT_DEFAULT = 10;

  static final Comparator<EvalSample> WORST_FIRST = Comparator.comparingDouble(EvalSample::vsDefault)
      .thenComparing(EvalSample::codeBleu, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(Comparator.comparingInt(EvalSample::roundsUsed).reversed())
      .thenComparing(EvalGroup::of)
      .thenComparing(EvalSample::promptId, Comparator.nullsFirst(Comparator.naturalOrder()));

  private WorstFailures() {}

  /** The first {@code n} failed samples in {@link #WORST_FIRST} order (all of them when fewer). */
  static List<EvalSample> pick(List<EvalSample> samples, int n) {
    return samples.stream().filter(s -> !s.success()).sorted(WORST_FIRST).limit(Math.max(0, n)).toList();
  }
}
