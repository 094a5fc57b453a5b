package dev.manimgrpo.trainer.train;

import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.trainer.loss.GrpoLoss;
import dev.manimgrpo.trainer.loss.TokenLoss;
import dev.manimgrpo.trainer.train.GrpoTrainer.Rollout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the SFT and GRPO trainers (the own model's and the Hugging Face one's) record per step, and
 * the old log-probs GRPO aligns with a batch: one definition for both, so metrics.jsonl has the
 * same columns whichever model trained.
 */
final class StepRecords {

  private StepRecords() {}

  /** An SFT step's metrics line; a non-finite loss stops the run with what to change. */
  static Map<String, Object> sft(String kind, int step, TokenLoss loss, double learningRate, double gradNorm,
      long tokens, int sequences, double seconds) {
    if (!Double.isFinite(loss.loss())) {
      throw new IllegalStateException("sft: the loss became " + loss.loss() + " at step " + step
          + "; lower trainer.optimizer.learning-rate (now " + learningRate + " at this step)");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("loss", loss.loss());
    m.put("learning_rate", learningRate);
    m.put("grad_norm", gradNorm);
    m.put("tokens", tokens);
    m.put("sequences", sequences);
    m.put("tokens_per_s", tokens / seconds);
    m.put("step_seconds", seconds);
    return m;
  }

  /** A GRPO step's metrics line. */
  static Map<String, Object> grpo(String kind, GrpoLoss.Result loss, List<Rollout> batch, double gradNorm,
      double seconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("loss", loss.loss());
    m.put("surrogate", loss.surrogate());
    m.put("kl", loss.kl());
    m.put("clip_fraction", loss.clipFraction());
    m.put("mean_ratio", loss.meanRatio());
    m.put("mean_reward", batch.stream().mapToDouble(r -> r.row().reward()).average().orElse(0));
    m.put("mean_advantage", batch.stream().mapToDouble(r -> r.row().advantage()).average().orElse(0));
    m.put("rollouts", batch.size());
    m.put("tokens", loss.tokens());
    m.put("grad_norm", gradNorm);
    m.put("tokens_per_s", loss.tokens() / seconds);
    return m;
  }

  /**
   * Old log-probs aligned with the batch's targets: the sampler's from the shard where {@code useShard}
   * and the row has them, else {@code recompute}'s (the policy before the batch's first update,
   * computed at most once). A token the sampler gave no log-prob for (NaN: llama-server reports none
   * for a stop string's tokens) takes the recomputed one.
   */
  static double[][] oldLogprobs(List<Rollout> batch, TokenBatch tb, boolean useShard, Supplier<double[][]> recompute) {
    double[][] recomputed = null;
    double[][] out = new double[batch.size()][];
    for (int i = 0; i < batch.size(); i++) {
      RolloutRow r = batch.get(i).row();
      if (useShard && r.hasOldLogprobs()) {
        out[i] = new double[tb.inputs()[i].length];
        int p = batch.get(i).promptLength();
        float[] lp = r.oldLogprobs();
        for (int j = 0; j < lp.length; j++) {
          // completion token j is the target at position p - 1 + j
          if (Float.isNaN(lp[j])) {
            if (recomputed == null) {
              recomputed = recompute.get();
            }
            out[i][p - 1 + j] = recomputed[i][p - 1 + j];
          } else {
            out[i][p - 1 + j] = lp[j];
          }
        }
      } else {
        if (recomputed == null) {
          recomputed = recompute.get();
        }
        out[i] = recomputed[i];
      }
    }
    return out;
  }
}
