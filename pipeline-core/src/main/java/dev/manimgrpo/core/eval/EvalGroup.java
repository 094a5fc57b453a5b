package dev.manimgrpo.core.eval;

import dev.manimgrpo.core.agent.Strategy;
import java.util.Comparator;
import java.util.List;

/**
 * One cell of the evaluation matrix: a policy at a training stage answering with one strategy. Every
 * table and plot of an evaluation is grouped by it and listed in its {@link #ORDER}.
 *
 * @param policy the policy's name in the matrix
 * @param stage base, sft, sft_grpo (or another name)
 * @param strategy direct, ritl, ritl_doc (or another name)
 */
public record EvalGroup(String policy, String stage, String strategy) implements Comparable<EvalGroup> {

  /** Training stages in the order they are trained; other names sort after them, by name. */
  public static final List<String> TRAINING_STAGES = List.of("base", "sft", "sft_grpo");

  /** Strategy names as {@link Strategy} lists them (direct, ritl, ritl_doc); other names after, by name. */
  public static final Comparator<String> STRATEGY_ORDER = Comparator.<String>comparingInt(s -> rank(strategyIndex(s)))
      .thenComparing(Comparator.naturalOrder());

  /** Stage names in training order; other names after, by name. */
  public static final Comparator<String> STAGE_ORDER =
      Comparator.<String>comparingInt(s -> rank(TRAINING_STAGES.indexOf(s))).thenComparing(Comparator.naturalOrder());

  /** By policy name, then stage in training order, then strategy as {@link Strategy} lists them. */
  public static final Comparator<EvalGroup> ORDER = Comparator.comparing(EvalGroup::policy)
      .thenComparing(EvalGroup::stage, STAGE_ORDER)
      .thenComparing(EvalGroup::strategy, STRATEGY_ORDER);

  public EvalGroup {
    require(policy, "policy");
    require(stage, "stage");
    require(strategy, "strategy");
  }

  /** The group a sample belongs to; fails naming the sample when it lacks a key. */
  public static EvalGroup of(EvalSample s) {
    try {
      return new EvalGroup(s.policy(), s.stage(), s.strategy());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("eval sample '" + s.promptId() + "' of run '" + s.evalId() + "': "
          + e.getMessage(), e);
    }
  }

  /** The same policy and stage answering directly: the baseline whose cost the others are compared to. */
  public EvalGroup direct() {
    return new EvalGroup(policy, stage, Strategy.DIRECT.wireName());
  }

  /** Whether this is the direct strategy. */
  public boolean isDirect() {
    return Strategy.DIRECT.wireName().equals(strategy);
  }

  /** {@code policy/stage/strategy}, for labels. */
  public String label() {
    return policy + "/" + stage + "/" + strategy;
  }

  @Override
  public int compareTo(EvalGroup o) {
    return ORDER.compare(this, o);
  }

  private static int strategyIndex(String s) {
    for (Strategy x : Strategy.values()) {
      if (x.wireName().equals(s)) {
        return x.ordinal();
      }
    }
    return -1;
  }

  private static int rank(int index) {
    return index < 0 ? Integer.MAX_VALUE : index;
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is blank; every sample needs a policy, a stage and a strategy");
    }
  }
}
