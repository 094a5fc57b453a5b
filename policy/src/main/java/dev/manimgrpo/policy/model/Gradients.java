package dev.manimgrpo.policy.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradients of a loss with respect to every parameter, by parameter name, in parameter order. */
public final class Gradients {

  private final FlatStore store;
  private final LinkedHashMap<String, INDArray> arrays;

  private Gradients(FlatStore store) {
    this.store = store;
    this.arrays = store.views();
  }

  /** Zero gradients shaped like {@code params}, for accumulating micro-batches. */
  public static Gradients zerosLike(ModelParameters params) {
    return new Gradients(FlatStore.zerosLike(params.store(), params.dataType()));
  }

  /** All gradients as one contiguous 1-D buffer, laid out like {@link ModelParameters#flat()}. */
  public INDArray flat() {
    return store.flat();
  }

  public INDArray get(String name) {
    INDArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no gradient named " + name);
    }
    return a;
  }

  public List<String> names() {
    return List.copyOf(arrays.keySet());
  }

  public Map<String, INDArray> asMap() {
    return Collections.unmodifiableMap(arrays);
  }

  /** L2 norm over all gradients together. */
  public double globalNorm() {
    return store.flat().norm2Number().doubleValue();
  }

  /** Adds {@code other} into this (in place); returns this. */
  public Gradients addi(Gradients other) {
    store.flat().addi(other.flat());
    return this;
  }

  /** Multiplies every gradient by {@code factor} (in place); returns this. */
  public Gradients muli(double factor) {
    store.flat().muli(factor);
    return this;
  }
}
