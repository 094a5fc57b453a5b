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
 * about {@code 1 / (2 x slots)} of the expected work not yet handed out, at least
 * {@code minPerTask} and at most {@code maxPerTask} groups. Tasks therefore start large and shrink
 * toward the end of the round, where small tasks keep every slot busy to the last group. The floor
 * is there because a task overlaps its groups ({@code rollout.groups-ahead}: the next groups'
 * renders queued while one is scored), and a task of one group overlaps nothing: at the end of a
 * round, where the groups are the shortest, single-group tasks left a render slot idle while each
 * task was scored, written and the next one launched (measured: 0.7 to 0.9 s of one idle slot in a
 * 5.8 s step on the bundled sample, against 0.2 to 0.4 s with three groups per task at least).
 * The floor gives way where it would leave a slot without a task: it is at most
 * {@code groups / slots} (a step of 64 groups on 128 slots still goes out as 64 tasks).
 * Expected costs are the ones the longest-first order uses; a group of unknown cost counts as the
 * mean of the known ones (as 1 when none is known, which cuts by count). Only the grouping changes,
 * never the order or a completion.
 */
public final class TaskChunks {

  private TaskChunks() {}

  /**
   * @param ordered the round's groups in start order
   * @param expectedSeconds a group's expected cost, empty when unknown
   * @param slots task slots of the cluster (at least 1)
   * @param minPerTask fewest groups in one task (the last task takes what is left), lowered to
   *     {@code ordered.size() / slots} where that is less (at least 1); at most {@code maxPerTask}
   * @param maxPerTask most groups in one task; 1 = a task per group
   * @return the tasks, in order, every group in exactly one of them
   */
  public static <T> List<List<T>> guided(List<T> ordered, Function<T, OptionalDouble> expectedSeconds, int slots,
      int minPerTask, int maxPerTask) {
    if (slots < 1 || minPerTask < 1 || maxPerTask < minPerTask) {
      throw new IllegalArgumentException("slots and groups per task must be at least 1, and the fewest groups per task"
          + " at most the most, got " + slots + " slots and " + minPerTask + " to " + maxPerTask + " groups per task");
    }
    int n = ordered.size();
    double[] cost = costs(ordered, expectedSeconds);
    double remaining = 0;
    for (double c : cost) {
      remaining += c;
    }
    int floor = Math.max(1, Math.min(minPerTask, n / slots));
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
      } while (i < n && (task.size() < floor || task.size() < maxPerTask && taken + cost[i] <= target));
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
