package dev.manimgrpo.core.eval;

import dev.manimgrpo.core.agent.AgentRound;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an agent loop recovers round by round: for one (policy, stage, strategy), the share of samples
 * that had rendered after r rounds, r = 1..R. A flat line is a loop that does not learn from the
 * renderer's errors; the climb from r = 1 to r = R is what render feedback bought.
 *
 * @param policy the policy
 * @param stage its training stage
 * @param strategy direct, ritl or ritl_doc
 * @param n samples in the group
 * @param cumulativeSuccess element r − 1: the share of the n samples whose first rendered round is at
 *     most r; R is the most rounds any sample of the group used
 */
public record RoundRecovery(String policy, String stage, String strategy, int n, List<Double> cumulativeSuccess) {

  public RoundRecovery {
    cumulativeSuccess = List.copyOf(cumulativeSuccess);
  }

  public EvalGroup group() {
    return new EvalGroup(policy, stage, strategy);
  }

  /** Rounds on the curve (R). */
  public int rounds() {
    return cumulativeSuccess.size();
  }

  /** One curve per group, in {@link EvalGroup#ORDER}. */
  public static List<RoundRecovery> compute(List<EvalSample> samples) {
    Map<EvalGroup, List<EvalSample>> groups = new TreeMap<>();
    for (EvalSample s : samples) {
      groups.computeIfAbsent(EvalGroup.of(s), g -> new ArrayList<>()).add(s);
    }
    List<RoundRecovery> out = new ArrayList<>();
    groups.forEach((g, list) -> out.add(of(g, list)));
    return out;
  }

  /** The curve of one group's samples. */
  public static RoundRecovery of(EvalGroup g, List<EvalSample> list) {
    int horizon = 1;
    for (EvalSample s : list) {
      horizon = Math.max(horizon, Math.max(s.roundsUsed(), loopRounds(s)));
    }
    int[] firstRenderedAt = new int[horizon + 1];
    for (EvalSample s : list) {
      firstRenderedAt[firstRenderedRound(s)]++;
    }
    List<Double> curve = new ArrayList<>(horizon);
    int rendered = 0;
    for (int r = 1; r <= horizon; r++) {
      rendered += firstRenderedAt[r];
      curve.add(list.isEmpty() ? Double.NaN : (double) rendered / list.size());
    }
    return new RoundRecovery(g.policy(), g.stage(), g.strategy(), list.size(), curve);
  }

  /**
   * The number (1..K) of the first round that rendered, or 0 when none did. Taken from the recorded
   * rounds (RITL-DOC's draft, round 0, is never rendered); a sample that succeeded with no rendered
   * round on record (its rounds were not kept) counts its last round.
   */
  public static int firstRenderedRound(EvalSample s) {
    for (AgentRound r : s.rounds()) {
      if (r.round() >= 1 && r.rendered()) {
        return r.round();
      }
    }
    return s.success() ? Math.max(1, Math.max(s.roundsUsed(), loopRounds(s))) : 0;
  }

  /** Rounds of the loop on record: round 0 (a draft) is not one. */
  private static int loopRounds(EvalSample s) {
    return (int) s.rounds().stream().filter(r -> r.round() >= 1).count();
  }
}
