package dev.manimgrpo.policy.hf;

import dev.manimgrpo.policy.sampling.NextLogits;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Hugging Face model's KV-cached decoding as a {@link dev.manimgrpo.policy.sampling.Sampler}'s
 * logit source: the prompt runs once, its cache rows are repeated for the group, and finished
 * completions leave the batch. One prompt per call (a rollout group), so no row is padded and every
 * row's next position is the same.
 */
public final class HfLogits implements NextLogits {

  private final HfCausalLm model;
  private HfKvCache cache;

  public HfLogits(HfCausalLm model) {
    this.model = model;
  }

  @Override
  public INDArray start(int[][] prompts, int group, int maxNewTokens) {
    if (prompts.length != 1) {
      throw new IllegalArgumentException("HfLogits samples one prompt's group at a time, got " + prompts.length
          + " prompts");
    }
    int[] prompt = prompts[0];
    // Slots: the prompt, then every sampled token but the last one.
    cache = new HfKvCache(model.config(), 1, prompt.length + Math.max(1, maxNewTokens) - 1);
    INDArray logits = model.prefill(cache, Arrays.copyOf(prompt, prompt.length));
    if (group > 1) {
      cache = cache.repeatRows(group);
      logits = logits.repeat(0, group);
    }
    return logits;
  }

  @Override
  public void keepRows(int[] rows) {
    cache = cache.selectRows(rows);
  }

  @Override
  public INDArray next(int[] tokens) {
    return model.step(cache, tokens);
  }
}
