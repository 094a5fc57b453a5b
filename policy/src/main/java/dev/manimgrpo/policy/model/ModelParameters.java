package dev.manimgrpo.policy.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The policy's weights: named arrays in a fixed order (the order of {@link #layout}), so
 * checkpoints, optimizer state and gradients line up by name.
 *
 * <p>Linear weights are stored {@code [in, out]} (activations are multiplied on the left,
 * {@code y = x W + b}), which is the transpose of PyTorch's {@code nn.Linear} layout. The model runs
 * in whatever data type the parameters have (float32 for training, float64 for gradient checks).
 */
public final class ModelParameters {

  public static final String TOKEN_EMBEDDING = "tok_emb";
  public static final String POSITION_EMBEDDING = "pos_emb";
  public static final String FINAL_LN_GAIN = "ln_f.gain";
  public static final String FINAL_LN_BIAS = "ln_f.bias";

  private final ModelConfig config;
  private final FlatStore store;
  private final LinkedHashMap<String, INDArray> arrays;

  private ModelParameters(ModelConfig config, FlatStore store) {
    this.config = config;
    this.store = store;
    this.arrays = store.views();
  }

  /** Name of a per-block parameter, e.g. {@code block(2, "attn.q.weight")}. */
  public static String block(int layer, String suffix) {
    return "blocks." + layer + "." + suffix;
  }

  /** Expected names and shapes, in order. */
  public static LinkedHashMap<String, long[]> layout(ModelConfig c) {
    long d = c.width();
    long f = c.mlpWidth();
    LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
    // The token embedding doubles as the LM head (weight tying): logits = h * tok_emb^T.
    shapes.put(TOKEN_EMBEDDING, new long[] {c.vocabSize(), d});
    shapes.put(POSITION_EMBEDDING, new long[] {c.contextLength(), d});
    for (int l = 0; l < c.layers(); l++) {
      shapes.put(block(l, "ln1.gain"), new long[] {d});
      shapes.put(block(l, "ln1.bias"), new long[] {d});
      for (String p : List.of("q", "k", "v", "out")) {
        shapes.put(block(l, "attn." + p + ".weight"), new long[] {d, d});
        shapes.put(block(l, "attn." + p + ".bias"), new long[] {d});
      }
      shapes.put(block(l, "ln2.gain"), new long[] {d});
      shapes.put(block(l, "ln2.bias"), new long[] {d});
      shapes.put(block(l, "mlp.fc.weight"), new long[] {d, f});
      shapes.put(block(l, "mlp.fc.bias"), new long[] {f});
      shapes.put(block(l, "mlp.proj.weight"), new long[] {f, d});
      shapes.put(block(l, "mlp.proj.bias"), new long[] {d});
    }
    shapes.put(FINAL_LN_GAIN, new long[] {d});
    shapes.put(FINAL_LN_BIAS, new long[] {d});
    return shapes;
  }

  /**
   * GPT-2 initialisation in float32: weights and embeddings N(0, 0.02), the two projections that
   * write into the residual stream (attention out, MLP proj) N(0, 0.02 / sqrt(2 * layers)) so the
   * stream's variance does not grow with depth, biases 0, LayerNorm gains 1. Each tensor draws from
   * its own stream seeded by (seed, name), so the values do not depend on the backend.
   */
  public static ModelParameters initialise(ModelConfig config, long seed) {
    return initialise(config, seed, DataType.FLOAT);
  }

  public static ModelParameters initialise(ModelConfig config, long seed, DataType dataType) {
    double residualStd = 0.02 / Math.sqrt(2.0 * config.layers());
    FlatStore store = FlatStore.zeros(layout(config), dataType);
    for (Map.Entry<String, INDArray> e : store.views().entrySet()) {
      String name = e.getKey();
      INDArray a = e.getValue();
      if (name.endsWith(".gain")) {
        a.assign(1.0);
      } else if (!name.endsWith(".bias")) {
        boolean residual = name.endsWith("attn.out.weight") || name.endsWith("mlp.proj.weight");
        a.assign(gaussian(a.shape(), residual ? residualStd : 0.02, seed, name, dataType));
      }
    }
    return new ModelParameters(config, store);
  }

  /** Copies arrays (e.g. from a checkpoint), checking names and shapes against the config. */
  public static ModelParameters of(ModelConfig config, Map<String, INDArray> arrays) {
    LinkedHashMap<String, long[]> expected = layout(config);
    if (!expected.keySet().equals(arrays.keySet())) {
      java.util.Set<String> missing = new java.util.TreeSet<>(expected.keySet());
      missing.removeAll(arrays.keySet());
      java.util.Set<String> unexpected = new java.util.TreeSet<>(arrays.keySet());
      unexpected.removeAll(expected.keySet());
      throw new IllegalArgumentException("parameter names do not match the config: missing "
          + missing + ", unexpected " + unexpected);
    }
    DataType type = null;
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      INDArray a = arrays.get(e.getKey());
      if (!java.util.Arrays.equals(a.shape(), e.getValue())) {
        throw new IllegalArgumentException("parameter " + e.getKey() + " has shape "
            + java.util.Arrays.toString(a.shape()) + ", expected "
            + java.util.Arrays.toString(e.getValue()));
      }
      if (type != null && a.dataType() != type) {
        throw new IllegalArgumentException("parameter " + e.getKey() + " is " + a.dataType()
            + " but earlier ones are " + type);
      }
      type = a.dataType();
    }
    FlatStore store = FlatStore.zeros(expected, type);
    store.views().forEach((k, view) -> view.assign(arrays.get(k)));
    return new ModelParameters(config, store);
  }

  private static INDArray gaussian(long[] shape, double std, long seed, String name,
      DataType dataType) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    int n = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextGaussian() * std;
    }
    return Nd4j.create(values, shape, 'c').castTo(dataType);
  }

  public ModelConfig config() {
    return config;
  }

  public INDArray get(String name) {
    INDArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter named " + name);
    }
    return a;
  }

  public List<String> names() {
    return List.copyOf(arrays.keySet());
  }

  /** The live, ordered map (read-only view of the names; the arrays themselves are mutable). */
  public Map<String, INDArray> asMap() {
    return java.util.Collections.unmodifiableMap(arrays);
  }

  public DataType dataType() {
    return arrays.get(TOKEN_EMBEDDING).dataType();
  }

  /** Total number of scalar parameters. */
  public long count() {
    return arrays.values().stream().mapToLong(INDArray::length).sum();
  }

  /**
   * All parameters as one contiguous 1-D buffer, of which every named array is a view (in
   * {@link #names()} order). Writing to it writes the parameters.
   */
  public INDArray flat() {
    return store.flat();
  }

  FlatStore store() {
    return store;
  }

  public ModelParameters zerosLike() {
    return new ModelParameters(config, FlatStore.zerosLike(store, dataType()));
  }

  public ModelParameters copy() {
    return castTo(dataType());
  }

  /** A copy in another data type (float64 for gradient checks). */
  public ModelParameters castTo(DataType dataType) {
    FlatStore z = FlatStore.zerosLike(store, dataType);
    z.flat().assign(store.flat().castTo(dataType));
    return new ModelParameters(config, z);
  }

  /** Copies {@code other}'s values into this one's arrays (same config). */
  public void assign(ModelParameters other) {
    if (!other.config.equals(config)) {
      throw new IllegalArgumentException("cannot assign parameters of " + other.config + " to "
          + config);
    }
    store.flat().assign(other.flat().castTo(dataType()));
  }
}
