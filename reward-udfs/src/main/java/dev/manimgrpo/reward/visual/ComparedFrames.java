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
 * past {@link #MAX_FRAMES} rows the memo starts over. Thread-safe.
 */
final class ComparedFrames {

  /** Rows kept at most (a row is 3 x reference frames doubles: about 7 KB for 300 frames). */
  static final int MAX_FRAMES = 4096;

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
    if (rows.size() >= MAX_FRAMES) {
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
