package dev.manimgrpo.policy.tokenizer;

import dev.manimgrpo.core.policy.PromptTemplate;
import java.util.Arrays;

/**
 * Puts {@link PromptTemplate} and a tokenizer together: the only place where special ids meet
 * template text, so SFT examples and rollout prompts are tokenised the same way.
 *
 * <p>The prompt and the completion are encoded separately and concatenated (never encoded as one
 * string), because at rollout time the model continues the encoded prompt; a token spanning the
 * boundary would be one the model never gets to produce.
 */
public final class TemplateEncoder {

  /**
   * One SFT example.
   *
   * @param ids bos, prompt tokens, completion tokens, eos
   * @param promptLength number of leading ids (bos and prompt) that are context, not targets
   */
  public record Example(int[] ids, int promptLength) {
    /** The ids the loss is taken on: the completion and eos. */
    public int[] targetIds() {
      return Arrays.copyOfRange(ids, promptLength, ids.length);
    }
  }

  private final BpeTokenizer tokenizer;

  public TemplateEncoder(BpeTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** What the model is fed at rollout time: bos and the rendered prompt. */
  public int[] prompt(String taskPrompt) {
    int[] body = tokenizer.encode(PromptTemplate.render(taskPrompt));
    int[] out = new int[body.length + 1];
    out[0] = tokenizer.bosId();
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /** A training example for a task and its reference code. */
  public Example example(String taskPrompt, String code) {
    int[] prompt = prompt(taskPrompt);
    int[] completion = tokenizer.encode(PromptTemplate.completion(code));
    int[] ids = Arrays.copyOf(prompt, prompt.length + completion.length + 1);
    System.arraycopy(completion, 0, ids, prompt.length, completion.length);
    ids[ids.length - 1] = tokenizer.eosId();
    return new Example(ids, prompt.length);
  }

  /** The program in generated ids (after the prompt): decoded up to eos, cut at the stop sequence. */
  public String code(int[] generated) {
    int end = 0;
    while (end < generated.length && generated[end] != tokenizer.eosId()) {
      end++;
    }
    return PromptTemplate.extractCode(tokenizer.decode(Arrays.copyOf(generated, end), true));
  }
}
