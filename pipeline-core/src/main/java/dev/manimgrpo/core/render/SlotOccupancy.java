package dev.manimgrpo.core.render;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * How many of a render pool's workers were rendering, over time: the seconds spent with 0, 1, ...,
 * all of them busy since the pool started. Two readings subtracted give a job's share; the seconds
 * with fewer than all busy are where a job's wall time runs past its renders' (the rollout
 * benchmark's pipeline overhead). A start and an end per render, under a lock held for a few
 * arithmetic operations.
 */
public final class SlotOccupancy {

  private final LongSupplier nanoClock;
  private final long[] nanosAtBusy;
  private int busy;
  private long since;

  SlotOccupancy(int slots) {
    this(slots, System::nanoTime);
  }

  SlotOccupancy(int slots, LongSupplier nanoClock) {
    if (slots < 1) {
      throw new IllegalArgumentException("a pool has at least one slot, got " + slots);
    }
    this.nanoClock = nanoClock;
    this.nanosAtBusy = new long[slots + 1];
    this.since = nanoClock.getAsLong();
  }

  /** A render started on one of the slots. */
  synchronized void started() {
    advance();
    busy = Math.min(busy + 1, nanosAtBusy.length - 1);
  }

  /** A render ended (whatever its outcome). */
  synchronized void ended() {
    advance();
    busy = Math.max(busy - 1, 0);
  }

  /** Seconds spent so far with {@code i} slots busy, for i = 0 to slots. */
  public synchronized Reading read() {
    advance();
    double[] seconds = new double[nanosAtBusy.length];
    for (int i = 0; i < seconds.length; i++) {
      seconds[i] = nanosAtBusy[i] / 1e9;
    }
    return new Reading(seconds);
  }

  private void advance() {
    long now = nanoClock.getAsLong();
    nanosAtBusy[busy] += now - since;
    since = now;
  }

  /**
   * Seconds with {@code i} slots busy, at index i.
   *
   * @param secondsAtBusy index 0: no slot busy; the last index: all of them
   */
  public record Reading(double[] secondsAtBusy) {

    /** What happened between {@code earlier} and this reading. */
    public Reading since(Reading earlier) {
      double[] d = secondsAtBusy.clone();
      for (int i = 0; i < d.length; i++) {
        d[i] -= earlier.secondsAtBusy[i];
      }
      return new Reading(d);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Reading r && Arrays.equals(secondsAtBusy, r.secondsAtBusy);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(secondsAtBusy);
    }

    @Override
    public String toString() {
      return "Reading" + Arrays.toString(secondsAtBusy);
    }
  }
}
