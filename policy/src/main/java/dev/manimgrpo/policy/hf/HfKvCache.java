package dev.manimgrpo.policy.hf;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keys (after RoPE) and values of every layer for the sequences being decoded, {@code [batch,
 * kv_heads, capacity, head_dim]} per layer: the key/value heads themselves, not repeated for the
 * query groups. All rows share one length, which is also the position of the next token (the
 * offset RoPE and the causal mask use).
 */
public final class HfKvCache {

  private final INDArray[] keys;
  private final INDArray[] values;
  private final int capacity;
  private int length;

  /** An empty cache for {@code batch} sequences of up to {@code capacity} tokens. */
  public HfKvCache(HfModelConfig c, int batch, int capacity) {
    if (batch < 1 || capacity < 1) {
      throw new IllegalArgumentException("HfKvCache: batch and capacity must be positive, got "
          + batch + " and " + capacity);
    }
    this.capacity = capacity;
    this.keys = new INDArray[c.numHiddenLayers()];
    this.values = new INDArray[c.numHiddenLayers()];
    for (int l = 0; l < keys.length; l++) {
      keys[l] = Nd4j.zeros(DataType.FLOAT, batch, c.numKeyValueHeads(), capacity, c.headDim());
      values[l] = Nd4j.zeros(DataType.FLOAT, batch, c.numKeyValueHeads(), capacity, c.headDim());
    }
  }

  private HfKvCache(INDArray[] keys, INDArray[] values, int capacity, int length) {
    this.keys = keys;
    this.values = values;
    this.capacity = capacity;
    this.length = length;
  }

  /** Sequences cached. */
  public int batch() {
    return (int) keys[0].size(0);
  }

  /**
   * A copy with every row repeated {@code times} times in place ({@code r0 r0 r1 r1 ..}): one
   * prompt's prefill serves its whole group.
   */
  public HfKvCache repeatRows(int times) {
    int[] rows = new int[batch() * times];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i / times;
    }
    return selectRows(rows);
  }

  /** A copy holding only these rows, in this order (finished sequences leave the batch). */
  public HfKvCache selectRows(int[] rows) {
    INDArray[] k = new INDArray[keys.length];
    INDArray[] v = new INDArray[values.length];
    for (int l = 0; l < keys.length; l++) {
      k[l] = pick(keys[l], rows);
      v[l] = pick(values[l], rows);
    }
    return new HfKvCache(k, v, capacity, length);
  }

  private static INDArray pick(INDArray buffer, int[] rows) {
    long[] shape = buffer.shape();
    long rest = buffer.length() / shape[0];
    INDArray picked = Nd4j.pullRows(buffer.reshape('c', shape[0], rest), 1, rows, 'c');
    return picked.reshape('c', rows.length, shape[1], shape[2], shape[3]);
  }

  /** Tokens cached so far; the position of the next one. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  /** Writes {@code [batch, kv_heads, t, head_dim]} keys and values after the cached ones. */
  void write(int layer, INDArray k, INDArray v) {
    long t = k.size(2);
    if (length + t > capacity) {
      throw new IllegalStateException("HfKvCache full: " + length + " + " + t + " > " + capacity);
    }
    slots(keys[layer], length, length + t).assign(k);
    slots(values[layer], length, length + t).assign(v);
  }

  /** Keys of the first {@code upTo} slots (a view). */
  INDArray keys(int layer, long upTo) {
    return slots(keys[layer], 0, upTo);
  }

  INDArray values(int layer, long upTo) {
    return slots(values[layer], 0, upTo);
  }

  /** The whole key buffer of a layer, {@code [batch, kv_heads, capacity, head_dim]} (read and written in place). */
  INDArray keyBuffer(int layer) {
    return keys[layer];
  }

  INDArray valueBuffer(int layer) {
    return values[layer];
  }

  /** Marks {@code t} more slots as filled, once every layer has written them. */
  void advance(int t) {
    length += t;
  }

  private static INDArray slots(INDArray buffer, long start, long end) {
    return buffer.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, end),
        NDArrayIndex.all());
  }
}
