package dev.manimgrpo.trainer.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The training examples of each step: epochs of a seeded shuffle, so the batch of any step is known
 * without replaying the steps before it (what makes resuming exact).
 */
final class EpochOrder<T> {

  private final List<T> items;
  private final long seed;
  private int epoch = -1;
  private List<T> order;

  EpochOrder(List<T> items, long seed) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("no examples to order");
    }
    this.items = List.copyOf(items);
    this.seed = seed;
  }

  /** The {@code size} examples of step {@code step} (1-based). */
  List<T> batch(int size, int step) {
    List<T> out = new ArrayList<>(size);
    long first = (long) (step - 1) * size;
    for (long i = first; i < first + size; i++) {
      out.add(epoch((int) (i / items.size())).get((int) (i % items.size())));
    }
    return out;
  }

  private List<T> epoch(int e) {
    if (e != epoch) {
      order = new ArrayList<>(items);
      Collections.shuffle(order, new Random(seed * 31 + e));
      epoch = e;
    }
    return order;
  }
}
