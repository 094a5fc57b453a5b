package dev.manimgrpo.policy.sampling;

import dev.manimgrpo.policy.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keys and values of every layer for a batch being decoded, {@code [batch, heads, maxLength,
 * headDim]} per layer.
 *
 * <p>Rows are left-padded: all rows share one write position ({@link #length()}), and row {@code b}
 * starts with {@code padding()[b]} pad slots that attention masks out. Row {@code b}'s token at slot
 * {@code s} therefore has position {@code s - padding[b]}, which is what makes a short prompt in a
 * batch of longer ones give the same logits as on its own.
 */
public final class KvCache {

  private final INDArray[] keys;
  private final INDArray[] values;
  private final int maxLength;
  private int length;
  private int[] padding;

  private KvCache(INDArray[] keys, INDArray[] values, int maxLength, int length, int[] padding) {
    this.keys = keys;
    this.values = values;
    this.maxLength = maxLength;
    this.length = length;
    this.padding = padding;
  }

  /** An empty cache for {@code batch} rows of up to {@code maxLength} slots (padding included). */
  public static KvCache allocate(ModelConfig config, int batch, int maxLength, DataType type) {
    if (batch < 1 || maxLength < 1) {
      throw new IllegalArgumentException("KvCache: batch and maxLength must be positive, got "
          + batch + " and " + maxLength);
    }
    INDArray[] k = new INDArray[config.layers()];
    INDArray[] v = new INDArray[config.layers()];
    for (int l = 0; l < config.layers(); l++) {
      k[l] = Nd4j.zeros(type, batch, config.heads(), maxLength, config.headDim());
      v[l] = Nd4j.zeros(type, batch, config.heads(), maxLength, config.headDim());
    }
    return new KvCache(k, v, maxLength, 0, new int[batch]);
  }

  public int batch() {
    return padding.length;
  }

  public int maxLength() {
    return maxLength;
  }

  /** Slots filled so far (the same for every row). */
  public int length() {
    return length;
  }

  /** Leading pad slots of each row (a copy). */
  public int[] padding() {
    return padding.clone();
  }

  public boolean padded() {
    for (int p : padding) {
      if (p > 0) {
        return true;
      }
    }
    return false;
  }

  /** Number of real tokens in row {@code b} (the position the next token gets). */
  public int tokens(int row) {
    return length - padding[row];
  }

  /** Writes {@code [batch, heads, t, headDim]} keys and values at slot {@code length()}. */
  public void write(int layer, INDArray k, INDArray v) {
    long t = k.size(2);
    if (length + t > maxLength) {
      throw new IllegalStateException("KvCache full: " + length + " + " + t + " > " + maxLength);
    }
    slots(keys[layer], length + t, length).assign(k);
    slots(values[layer], length + t, length).assign(v);
  }

  /** Keys of slots {@code [0, upTo)} (a view). */
  public INDArray keys(int layer, int upTo) {
    return slots(keys[layer], upTo, 0);
  }

  public INDArray values(int layer, int upTo) {
    return slots(values[layer], upTo, 0);
  }

  /** Marks {@code t} more slots as filled, after every layer has written them. */
  public void advance(int t) {
    length += t;
  }

  /** Sets the leading padding of each row; only on an empty cache. */
  public void startRows(int[] rowPadding) {
    if (length != 0) {
      throw new IllegalStateException("KvCache: padding can only be set on an empty cache");
    }
    if (rowPadding.length != batch()) {
      throw new IllegalArgumentException("KvCache: " + rowPadding.length + " paddings for "
          + batch() + " rows");
    }
    padding = rowPadding.clone();
  }

  /**
   * A new cache in which each row is repeated {@code times} times consecutively (row r becomes
   * rows r*times .. r*times+times-1), for sampling a group of completions from one prefilled prompt.
   */
  public KvCache repeatRows(int times) {
    INDArray[] k = new INDArray[keys.length];
    INDArray[] v = new INDArray[values.length];
    for (int l = 0; l < keys.length; l++) {
      k[l] = keys[l].repeat(0, times);
      v[l] = values[l].repeat(0, times);
    }
    int[] p = new int[padding.length * times];
    for (int i = 0; i < p.length; i++) {
      p[i] = padding[i / times];
    }
    return new KvCache(k, v, maxLength, length, p);
  }

  /**
   * A new cache holding only the given rows, in that order (drops finished completions so later
   * steps neither compute them nor run them past the context length).
   */
  public KvCache selectRows(int[] rows) {
    INDArray[] k = new INDArray[keys.length];
    INDArray[] v = new INDArray[values.length];
    for (int l = 0; l < keys.length; l++) {
      k[l] = pick(keys[l], rows);
      v[l] = pick(values[l], rows);
    }
    int[] p = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      p[i] = padding[rows[i]];
    }
    return new KvCache(k, v, maxLength, length, p);
  }

  private static INDArray pick(INDArray buffer, int[] rows) {
    long[] shape = buffer.shape();
    INDArray flat = buffer.reshape('c', shape[0], shape[1] * shape[2] * shape[3]);
    return Nd4j.pullRows(flat, 1, rows, 'c')
        .reshape('c', rows.length, shape[1], shape[2], shape[3]);
  }

  private static INDArray slots(INDArray buffer, long end, long start) {
    return buffer.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, end),
        NDArrayIndex.all());
  }
}
