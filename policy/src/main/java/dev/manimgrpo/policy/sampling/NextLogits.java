package dev.manimgrpo.policy.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Where a {@link Sampler}'s next-token logits come from, batch row by batch row. */
public interface NextLogits {

  /** Logits after each prompt, each repeated {@code group} times: {@code [P*group, V]}. */
  INDArray start(int[][] prompts, int group, int maxNewTokens);

  /** Keeps only these batch rows (indices into the current batch), in order. */
  void keepRows(int[] rows);

  /** Appends one token per (kept) row; returns the next logits. */
  INDArray next(int[] tokens);
}
