package dev.manimgrpo.reward.rollout;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prepared references kept between groups, least recently used first out, within a memory budget.
 * Preparing a reference (its program parsed, its frames' features computed) costs about as much as
 * scoring one candidate; a GRPO run meets the same prompt again every epoch, and an executor then
 * reuses what it prepared. Every hit is handed out {@linkplain RolloutScorer.Reference#forNewGroup
 * for a new group}: the features are shared, the memo of candidate frames compared is not, so a
 * group's scores never depend on another group's completions.
 *
 * <p>An entry's size is estimated from its frames: {@value #BYTES_PER_FRAME_BYTE} times their
 * bytes, as measured on the 44 bundled references (5.3 MB prepared from 1.5 MB of frames each).
 */
public final class PreparedReferences {

  /** Heap per byte of reference frames, measured (see the class comment). */
  static final double BYTES_PER_FRAME_BYTE = 3.5;

  private final long budgetBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private long hits;
  private long misses;

  private record Entry(RolloutScorer.Reference reference, long bytes) {}

  /** @param budgetBytes most bytes kept (estimated); 0 keeps nothing */
  public PreparedReferences(long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("the prepared-reference budget must be >= 0, got " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
  }

  /**
   * The reference under {@code key} (a content address of the reference program and its render),
   * prepared by {@code prepare} when not kept; ready for a new group either way.
   */
  public RolloutScorer.Reference get(String key, Supplier<RolloutScorer.Reference> prepare) {
    synchronized (this) {
      Entry e = entries.get(key);
      if (e != null) {
        hits++;
        return e.reference().forNewGroup();
      }
      misses++;
    }
    // Prepared outside the lock: two tasks may prepare the same reference at once, and both results are equal.
    RolloutScorer.Reference fresh = prepare.get();
    long size = estimatedBytes(fresh);
    if (size <= budgetBytes) {
      synchronized (this) {
        Entry old = entries.put(key, new Entry(fresh, size));
        bytes += size - (old == null ? 0 : old.bytes());
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (bytes > budgetBytes && eldest.hasNext()) {
          Map.Entry<String, Entry> out = eldest.next();
          if (out.getKey().equals(key)) {
            continue;
          }
          bytes -= out.getValue().bytes();
          eldest.remove();
        }
      }
    }
    return fresh.forNewGroup();
  }

  /** The estimated heap of a prepared reference; a reference without frames (no render) counts a little. */
  static long estimatedBytes(RolloutScorer.Reference r) {
    return 4096 + (long) (BYTES_PER_FRAME_BYTE * r.frameBytes());
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }

  /** References kept now. */
  public synchronized int size() {
    return entries.size();
  }

  /** Estimated bytes kept now. */
  public synchronized long bytes() {
    return bytes;
  }
}
