package dev.manimgrpo.reward.visual;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Candidate frames already compared with one reference, by content: for each, its row of pair
 * parts (fgSSIM, shapeF, colour) against every distinct reference frame. A group's rollouts share
 * frames (the same program, the same opening title, a static tail), and each such frame is
 * compared once. Keys are SHA-256 digests of what a frame's features follow from
 * ({@link ContentFeatures#digest}), so no frame a program draws can pass for another. Bounded:
 * past {@link #MAX_VALUES} stored values (4 MB; a row holds three per reference frame) the memo
 * starts over, so a cache of prepared references (the SQL function keeps 64) stays small.
 * Thread-safe.
 */
final class ComparedFrames {

  /** Values kept at most, all rows together: 4 MB of doubles (550 rows of a 300-frame reference). */
  static final long MAX_VALUES = 500_000;

  private final Map<ByteBuffer, double[][]> rows = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();

  /** The row of the frame with {@code digest}, computed by {@code compute} the first time. */
  double[][] row(byte[] digest, Supplier<double[][]> compute) {
    ByteBuffer key = ByteBuffer.wrap(digest);
    double[][] row = rows.get(key);
    if (row != null) {
      hits.incrementAndGet();
      return row;
    }
    row = compute.get();
    if ((long) (rows.size() + 1) * row.length * row[0].length > MAX_VALUES) {
      rows.clear();
    }
    rows.put(key, row);
    return row;
  }

  /** Rows served from the memo so far. */
  long hits() {
    return hits.get();
  }
}
