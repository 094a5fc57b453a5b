package dev.manimgrpo.core.rollout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The order in which a round's groups are handed to the task slots: longest expected first (the
 * classic LPT rule), so that a round does not end with every slot but one waiting on a slow group
 * that happened to come last. Groups of unknown cost go first, in their given order (they are the
 * ones that may also render their reference); the rest follow by expected cost, longest first, ties
 * in their given order. Only the order changes: a completion is a function of its seed, not of
 * where its group runs.
 */
public final class LongestFirst {

  private LongestFirst() {}

  public static <T> List<T> order(List<T> items, Function<T, OptionalDouble> expectedSeconds) {
    List<Integer> index = new ArrayList<>();
    double[] cost = new double[items.size()];
    for (int i = 0; i < items.size(); i++) {
      index.add(i);
      OptionalDouble c = expectedSeconds.apply(items.get(i));
      cost[i] = c.isPresent() && Double.isFinite(c.getAsDouble()) ? c.getAsDouble() : Double.POSITIVE_INFINITY;
    }
    index.sort(Comparator.<Integer>comparingDouble(i -> -cost[i]).thenComparingInt(i -> i));
    List<T> out = new ArrayList<>(items.size());
    index.forEach(i -> out.add(items.get(i)));
    return out;
  }
}
