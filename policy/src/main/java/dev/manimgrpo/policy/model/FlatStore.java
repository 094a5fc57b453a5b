package dev.manimgrpo.policy.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One contiguous 1-D buffer with a named, shaped view per tensor. Optimizer updates and norms then
 * run as a handful of operations over the whole buffer instead of a handful per tensor (ND4J's
 * per-operation overhead dominated AdamW on ~50 small tensors).
 */
record FlatStore(INDArray flat, LinkedHashMap<String, INDArray> views) {

  static FlatStore zeros(Map<String, long[]> layout, DataType type) {
    long total = 0;
    for (long[] shape : layout.values()) {
      total += length(shape);
    }
    INDArray flat = Nd4j.zeros(type, total);
    LinkedHashMap<String, INDArray> views = new LinkedHashMap<>();
    long offset = 0;
    for (Map.Entry<String, long[]> e : layout.entrySet()) {
      long n = length(e.getValue());
      INDArray slice = flat.get(NDArrayIndex.interval(offset, offset + n));
      INDArray view = e.getValue().length == 1 ? slice : slice.reshape('c', e.getValue());
      if (!view.isView() && n < total) {
        throw new IllegalStateException("ND4J copied instead of viewing " + e.getKey());
      }
      views.put(e.getKey(), view);
      offset += n;
    }
    return new FlatStore(flat, views);
  }

  /** Same layout, zero-filled, in {@code type}. */
  static FlatStore zerosLike(FlatStore other, DataType type) {
    LinkedHashMap<String, long[]> layout = new LinkedHashMap<>();
    other.views.forEach((k, v) -> layout.put(k, v.shape()));
    return zeros(layout, type);
  }

  private static long length(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
