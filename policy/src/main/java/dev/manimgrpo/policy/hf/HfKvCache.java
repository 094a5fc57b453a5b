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

  /** Marks {@code t} more slots as filled, once every layer has written them. */
  void advance(int t) {
    length += t;
  }

  private static INDArray slots(INDArray buffer, long start, long end) {
    return buffer.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, end),
        NDArrayIndex.all());
  }
}
