package dev.manimgrpo.core.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * How a round's groups, already in the order they should start, are cut into Spark tasks. Spark
 * charges a cost per task, not per group: deserialising the write's Hadoop configuration and the
 * task's closure, opening a Parquet writer, committing a file. Measured here, about 75 ms of CPU
 * per task, taken from the cores the renders run on. A few groups per task pay it once for all of
 * them.
 *
 * <p>The cut follows guided self-scheduling (Polychronopoulos and Kuck, 1987): each task takes
 * about {@code 1 / (2 x slots)} of the expected work not yet handed out, at most
 * {@code maxPerTask} groups. Tasks therefore start large and shrink toward the end of the round,
 * where tasks of one group keep every slot busy to the last group. Expected costs are the ones the
 * longest-first order uses; a group of unknown cost counts as the mean of the known ones (as 1 when
 * none is known, which cuts by count). Only the grouping changes, never the order or a completion.
 */
public final class TaskChunks {

  private TaskChunks() {}

  /**
   * @param ordered the round's groups in start order
   * @param expectedSeconds a group's expected cost, empty when unknown
   * @param slots task slots of the cluster (at least 1)
   * @param maxPerTask most groups in one task; 1 = a task per group
   * @return the tasks, in order, every group in exactly one of them
   */
  public static <T> List<List<T>> guided(List<T> ordered, Function<T, OptionalDouble> expectedSeconds, int slots,
      int maxPerTask) {
    if (slots < 1 || maxPerTask < 1) {
      throw new IllegalArgumentException("slots and groups per task must be at least 1, got " + slots + " and "
          + maxPerTask);
    }
    int n = ordered.size();
    double[] cost = costs(ordered, expectedSeconds);
    double remaining = 0;
    for (double c : cost) {
      remaining += c;
    }
    List<List<T>> tasks = new ArrayList<>();
    int i = 0;
    while (i < n) {
      double target = remaining / (2.0 * slots);
      List<T> task = new ArrayList<>();
      double taken = 0;
      do {
        task.add(ordered.get(i));
        taken += cost[i];
        i++;
      } while (i < n && task.size() < maxPerTask && taken + cost[i] <= target);
      remaining -= taken;
      tasks.add(task);
    }
    return tasks;
  }

  /** Known costs as they are (negative ones as 0), unknown ones as the mean of the known, or 1 when none is known. */
  private static <T> double[] costs(List<T> items, Function<T, OptionalDouble> expectedSeconds) {
    double[] cost = new double[items.size()];
    boolean[] known = new boolean[items.size()];
    double sum = 0;
    int count = 0;
    for (int i = 0; i < cost.length; i++) {
      OptionalDouble c = expectedSeconds.apply(items.get(i));
      if (c.isPresent() && Double.isFinite(c.getAsDouble())) {
        cost[i] = Math.max(0, c.getAsDouble());
        known[i] = true;
        sum += cost[i];
        count++;
      }
    }
    double unknown = count == 0 || sum <= 0 ? 1.0 : sum / count;
    for (int i = 0; i < cost.length; i++) {
      if (!known[i]) {
        cost[i] = unknown;
      }
    }
    return cost;
  }
}
