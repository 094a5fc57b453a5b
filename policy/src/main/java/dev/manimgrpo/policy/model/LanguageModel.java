package dev.manimgrpo.policy.model;

import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.policy.sampling.KvCache;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The policy network's computations, for one set of {@link ModelParameters}: a training pass that
 * yields per-token log-probabilities and their gradients, and KV-cached inference for sampling.
 *
 * <p>Every training loss in this project (SFT NLL, GRPO clipped ratio with KL) is a function of the
 * log-probability of each target token, so {@link #forward} returns exactly those and
 * {@link #backward} takes d loss / d logp per token; the losses stay plain Java
 * ({@code dev.manimgrpo.trainer.loss}), shared by every engine.
 *
 * <p>Two engines implement it ({@code trainer.engine}): {@link SameDiffTransformerLm}, the model as a
 * SameDiff graph with automatic differentiation (the default), and {@link Nd4jTransformerLm}, the
 * same model written directly as ND4J array operations with a hand-written backward pass (checked
 * numerically). They take the same parameters and give the same results; tests hold them to each
 * other.
 */
public interface LanguageModel {

  /** A new instance of the configured engine (engines cache graphs and masks; not thread-safe). */
  static LanguageModel of(TrainerConfig.Engine engine) {
    return switch (engine) {
      case SAMEDIFF -> new SameDiffTransformerLm();
      case ND4J -> new Nd4jTransformerLm();
    };
  }

  /**
   * Per-token log-probabilities of {@code targets} given {@code tokens}.
   *
   * @param tokens      {@code [B][T]} input ids, {@code T <= contextLength}, rows of equal length
   *                    (right-pad short rows; causality keeps padding from affecting real tokens)
   * @param targets     {@code [B][T]} target ids, -1 where no loss is taken
   * @param training    whether dropout is applied
   * @param dropoutSeed seeds the dropout masks (ignored when not training or the rate is 0)
   */
  TrainingPass forward(ModelParameters p, int[][] tokens, int[][] targets, boolean training,
      long dropoutSeed);

  /**
   * Gradients of a loss with respect to every parameter, given {@code dLogProb [B, T]} = d loss /
   * d logp(target) per token (entries whose target is -1 are ignored). {@code pass} must come from
   * this engine's {@link #forward}.
   */
  Gradients backward(TrainingPass pass, INDArray dLogProb);

  /** A training pass and the gradients of a loss over it. */
  record PassGradients(TrainingPass pass, Gradients gradients) {}

  /**
   * {@link #forward} then {@link #backward}, for a loss whose {@code dLogProb} is known before the
   * forward pass (SFT's mean NLL: {@code -1/n} on each counted token). An engine that cannot keep a
   * forward pass's activations for a later backward (SameDiff recomputes them) runs the network
   * once here instead of twice.
   */
  default PassGradients forwardBackward(ModelParameters p, int[][] tokens, int[][] targets,
      boolean training, long dropoutSeed, INDArray dLogProb) {
    TrainingPass pass = forward(p, tokens, targets, training, dropoutSeed);
    return new PassGradients(pass, backward(pass, dLogProb));
  }

  /**
   * Runs the prompts through the model, filling an empty {@code cache} (left-padded to the longest
   * prompt), and returns the logits of each row's next token, {@code [B, V]}.
   */
  INDArray prefill(ModelParameters p, KvCache cache, int[][] prompts);

  /** Appends one token per row to the cached sequences; returns the next logits {@code [B, V]}. */
  INDArray step(ModelParameters p, KvCache cache, int[] nextTokens);

  /**
   * No-cache reference: next-token logits {@code [B, V]} after each sequence, re-running every
   * sequence from its start (sequences may differ in length).
   */
  INDArray lastLogits(ModelParameters p, int[][] sequences);
}
