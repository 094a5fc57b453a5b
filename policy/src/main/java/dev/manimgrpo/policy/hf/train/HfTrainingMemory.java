package dev.manimgrpo.policy.hf.train;

import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import java.util.Locale;
import java.util.Set;

/**
 * What a training step of {@link HfTrainingModel} holds in memory, in bytes (float32), counted
 * from the arrays it keeps: the base weights; per trained value the value, its gradient and AdamW's
 * two moments; the activations a forward pass keeps for backward (per decoder layer and token: the
 * norms' inputs and outputs, q, k, v after RoPE, the attention probabilities over the row's
 * positions, the merged heads, the MLP's gate, up and product; with gradient checkpointing only
 * each layer's input, plus one layer's worth while it is recomputed); and the head's logits and
 * probabilities over the vocabulary for each position with a target (with checkpointing, for
 * {@link HfTrainingModel#HEAD_CHUNK} positions at a time). LoRA dropout's masks come on top. An estimate of the arrays, not of the
 * process: ND4J's transient arrays during a step come on top.
 *
 * @param weights the frozen (or, with full training, trained) weights
 * @param trained the trained values, their gradients and the optimizer's moments
 * @param activations what the forward pass keeps for backward
 * @param head the head's probabilities (and, during the forward pass, its logits)
 */
public record HfTrainingMemory(long weights, long trained, long activations, long head) {

  private static final long FLOAT = 4;

  public long total() {
    return weights + trained + activations + head;
  }

  /**
   * @param lora the adapter's rank and targets, or null for full training
   * @param tokens tokens per step (batch x length), all with targets
   * @param length the longest row (attention probabilities grow with it)
   */
  public static HfTrainingMemory estimate(HfModelConfig c, Integer loraRank, Set<LoraAdapter.Target> targets,
      long tokens, int length, boolean checkpointing) {
    long params = HfWeights.layout(c).values().stream()
        .mapToLong(s -> java.util.Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum();
    long trainedValues = params;
    if (loraRank != null) {
      trainedValues = 0;
      var layout = HfWeights.layout(c);
      for (LoraAdapter.Target t : targets) {
        long[] w = layout.get(t.weightName(0));
        trainedValues += (long) loraRank * (w[0] + w[1]);
      }
      trainedValues *= c.numHiddenLayers();
    }
    long d = c.hiddenSize();
    long hq = (long) c.numAttentionHeads() * c.headDim();
    long hkv = (long) c.numKeyValueHeads() * c.headDim();
    long f = c.intermediateSize();
    long perTokenLayer = 4 * d + 2 * hq + 2 * hkv + 3 * f + (long) c.numAttentionHeads() * length
        + (c.qkNorm() ? hq + hkv : 0);
    long layers = c.numHiddenLayers();
    long kept = checkpointing ? tokens * (layers * d + perTokenLayer) : tokens * layers * (perTokenLayer + d);
    long headRows = checkpointing ? Math.min(tokens, HfTrainingModel.HEAD_CHUNK) : tokens;
    return new HfTrainingMemory(params * FLOAT, trainedValues * 4 * FLOAT, kept * FLOAT,
        2 * headRows * c.vocabSize() * FLOAT);
  }

  /** E.g. {@code weights 1.98 GB, trained 0.14 GB, activations 3.1 GB, head 1.2 GB: 6.4 GB}. */
  public String describe() {
    return String.format(Locale.ROOT, "weights %s, trained+grad+AdamW %s, activations %s, head %s: %s",
        gb(weights), gb(trained), gb(activations), gb(head), gb(total()));
  }

  private static String gb(long bytes) {
    return bytes >= 1e9 ? String.format(Locale.ROOT, "%.2f GB", bytes / 1e9)
        : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
