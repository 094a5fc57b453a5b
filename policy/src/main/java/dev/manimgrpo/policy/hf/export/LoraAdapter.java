package dev.manimgrpo.policy.hf.export;

import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A LoRA adapter of an HF model in PEFT's terms: per adapted linear layer (a {@link Target} in a
 * decoder layer) {@code A [r, in]} and {@code B [out, r]}, so the layer computes {@code W x + scale
 * B A x} with {@code scale = alpha / r} (PEFT's default, not rsLoRA). Pure data; {@link #merge}
 * folds it into the base weights, {@link PeftAdapterWriter} writes it in PEFT's layout.
 */
public record LoraAdapter(int rank, double alpha, double dropout, String baseModel,
    List<Module> modules) {

  /** The linear layers LoRA may adapt, by their path in a decoder layer. */
  public enum Target {
    Q_PROJ("self_attn.q_proj"), K_PROJ("self_attn.k_proj"), V_PROJ("self_attn.v_proj"),
    O_PROJ("self_attn.o_proj"), GATE_PROJ("mlp.gate_proj"), UP_PROJ("mlp.up_proj"),
    DOWN_PROJ("mlp.down_proj");

    private final String path;

    Target(String path) {
      this.path = path;
    }

    /** E.g. {@code self_attn.q_proj}. */
    public String path() {
      return path;
    }

    /** PEFT's {@code target_modules} entry, e.g. {@code q_proj}. */
    public String moduleName() {
      return path.substring(path.indexOf('.') + 1);
    }

    /** The base weight's name in a layer. */
    public String weightName(int layer) {
      return HfWeights.layer(layer, path + ".weight");
    }
  }

  /** One adapted layer: {@code a [r, in]}, {@code b [out, r]}. */
  public record Module(int layer, Target target, INDArray a, INDArray b) {}

  public LoraAdapter {
    if (rank < 1 || !(alpha > 0) || !(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA needs r >= 1, alpha > 0, 0 <= dropout < 1; got r "
          + rank + ", alpha " + alpha + ", dropout " + dropout);
    }
    modules = List.copyOf(modules);
    if (modules.isEmpty()) {
      throw new IllegalArgumentException("a LoRA adapter needs at least one module");
    }
    Set<String> seen = new HashSet<>();
    for (Module m : modules) {
      if (!seen.add(m.target().weightName(m.layer()))) {
        throw new IllegalArgumentException("LoRA module " + m.target().weightName(m.layer()) + " given twice");
      }
      if (m.a().rank() != 2 || m.b().rank() != 2 || m.a().size(0) != rank || m.b().size(1) != rank) {
        throw new IllegalArgumentException("LoRA module " + m.target().weightName(m.layer()) + ": A "
            + Arrays.toString(m.a().shape()) + " and B " + Arrays.toString(m.b().shape())
            + " are not [" + rank + ", in] and [out, " + rank + "]");
      }
    }
    // PEFT adapts the same layers for every target module (layers_to_transform applies to all).
    Map<Target, SortedSet<Integer>> layers = new LinkedHashMap<>();
    modules.forEach(m -> layers.computeIfAbsent(m.target(), t -> new TreeSet<>()).add(m.layer()));
    if (layers.values().stream().distinct().count() > 1) {
      throw new IllegalArgumentException("PEFT's layout adapts the same layers for every target module; got "
          + layers);
    }
  }

  /** {@code alpha / r}. */
  public double scale() {
    return alpha / rank;
  }

  /** The adapted module names (q_proj, ...), sorted. */
  public SortedSet<String> targetModules() {
    SortedSet<String> s = new TreeSet<>();
    modules.forEach(m -> s.add(m.target().moduleName()));
    return s;
  }

  /** The adapted decoder layers, sorted. */
  public SortedSet<Integer> layers() {
    SortedSet<Integer> s = new TreeSet<>();
    modules.forEach(m -> s.add(m.layer()));
    return s;
  }

  /** Checks every module's shapes against the model: A {@code [r, in]}, B {@code [out, r]}. */
  public void checkAgainst(HfModelConfig c) {
    Map<String, long[]> layout = HfWeights.layout(c);
    for (Module m : modules) {
      long[] w = layout.get(m.target().weightName(m.layer()));
      if (w == null) {
        throw new IllegalArgumentException("LoRA module " + m.target().weightName(m.layer())
            + " is not a weight of the model (" + c.numHiddenLayers() + " layers)");
      }
      if (m.a().size(1) != w[1] || m.b().size(0) != w[0]) {
        throw new IllegalArgumentException("LoRA module " + m.target().weightName(m.layer()) + ": A "
            + Arrays.toString(m.a().shape()) + ", B " + Arrays.toString(m.b().shape())
            + " do not fit the weight " + Arrays.toString(w));
      }
    }
  }

  /** The base weights with every adapted {@code W} replaced by {@code W + scale B A}. */
  public HfWeights merge(HfWeights base) {
    checkAgainst(base.config());
    LinkedHashMap<String, INDArray> tensors = HfTensors.of(base);
    for (Module m : modules) {
      String name = m.target().weightName(m.layer());
      INDArray delta = m.b().castTo(DataType.FLOAT).mmul(m.a().castTo(DataType.FLOAT)).muli(scale());
      tensors.put(name, tensors.get(name).add(delta));
    }
    return HfWeights.of(base.config(), tensors);
  }

  /** PEFT's key for a module's A or B: {@code base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight}. */
  public static String peftKey(Module m, boolean a) {
    return "base_model.model." + HfWeights.layer(m.layer(), m.target().path())
        + (a ? ".lora_A.weight" : ".lora_B.weight");
  }
}
