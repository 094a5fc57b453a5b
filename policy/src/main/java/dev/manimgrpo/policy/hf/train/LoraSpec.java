package dev.manimgrpo.policy.hf.train;

import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.LoraAdapter.Target;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a LoRA adapter adapts, in PEFT's terms ({@code r}, {@code lora_alpha}, {@code lora_dropout},
 * {@code target_modules}); every decoder layer is adapted.
 */
public record LoraSpec(int rank, double alpha, double dropout, Set<Target> targets) {

  /** PEFT's usual choice for Llama-style code models: every attention and MLP projection. */
  public static final Set<Target> ALL_LINEAR = EnumSet.allOf(Target.class);

  public LoraSpec {
    if (rank < 1 || !(alpha > 0) || !(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA needs rank >= 1, alpha > 0 and 0 <= dropout < 1; got rank "
          + rank + ", alpha " + alpha + ", dropout " + dropout);
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("LoRA needs at least one target module; choose from " + names());
    }
    targets = Set.copyOf(targets);
  }

  /** Targets by PEFT's module names ({@code q_proj}, ..., {@code down_proj}), or {@code all-linear}. */
  public static Set<Target> targets(List<String> names) {
    Set<Target> out = EnumSet.noneOf(Target.class);
    for (String n : names) {
      String name = n.trim().toLowerCase(Locale.ROOT);
      if (name.equals("all-linear")) {
        out.addAll(ALL_LINEAR);
        continue;
      }
      Target match = null;
      for (Target t : Target.values()) {
        if (t.moduleName().equals(name)) {
          match = t;
        }
      }
      if (match == null) {
        throw new IllegalArgumentException("unknown LoRA target module '" + n + "'; use all-linear or some of "
            + names());
      }
      out.add(match);
    }
    return out;
  }

  private static List<String> names() {
    return java.util.Arrays.stream(Target.values()).map(Target::moduleName).toList();
  }

  /**
   * A fresh adapter as PEFT initialises one: {@code A} Kaiming-uniform with {@code a = sqrt(5)},
   * which is uniform in {@code +-1/sqrt(in)}, and {@code B} zero, so the adapted model starts as
   * the base model. Deterministic in {@code seed}; modules in layer, then target order.
   */
  public LoraAdapter initialise(HfModelConfig config, String baseModel, long seed) {
    Map<String, long[]> layout = HfWeights.layout(config);
    Random random = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    List<LoraAdapter.Module> modules = new ArrayList<>();
    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      for (Target t : Target.values()) {
        if (!targets.contains(t)) {
          continue;
        }
        long[] w = layout.get(t.weightName(layer));
        double bound = 1.0 / Math.sqrt(w[1]);
        INDArray a = Nd4j.rand(random, rank, w[1]).muli(2 * bound).subi(bound);
        INDArray b = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, w[0], rank);
        modules.add(new LoraAdapter.Module(layer, t, a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), b));
      }
    }
    return new LoraAdapter(rank, alpha, dropout, baseModel, modules);
  }
}
