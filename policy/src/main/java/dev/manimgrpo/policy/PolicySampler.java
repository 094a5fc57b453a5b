package dev.manimgrpo.policy;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.model.LanguageModel;
import dev.manimgrpo.policy.sampling.Completion;
import dev.manimgrpo.policy.sampling.Sampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import dev.manimgrpo.policy.tokenizer.TemplateEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Task prompts in, Manim programs out: the prompt template, the tokenizer and the KV-cached
 * sampler put together, as rollout generation and evaluation use them. Stops at the template's
 * stop sequence or the end-of-sequence token.
 */
public final class PolicySampler {

  /**
   * One completion.
   *
   * @param promptIds what the model was fed
   * @param completion the sampled ids, their log-probs (temperature 1, unfiltered) and why it stopped
   * @param text the completion decoded
   * @param code the program extracted from it
   */
  public record Generation(int[] promptIds, Completion completion, String text, String code) {}

  private final Policy policy;
  private final TemplateEncoder encoder;
  private final Sampler sampler;

  /** @param lm the engine that computes the policy ({@code LanguageModel.of(trainer.engine)}) */
  public PolicySampler(Policy policy, LanguageModel lm) {
    this.policy = policy;
    this.encoder = new TemplateEncoder(policy.tokenizer());
    this.sampler = new Sampler(lm, policy.tokenizer().eosId(), ids -> policy.tokenizer().decode(ids, true));
  }

  /** A sampler on the configured engine ({@code trainer.engine}). */
  public static PolicySampler of(Policy policy, PipelineConfig config) {
    return new PolicySampler(policy, LanguageModel.of(config.trainer().engine()));
  }

  /** The configured sampling parameters ({@code policy.sampling.*}, its seed). */
  public static SamplingParams params(PipelineConfig config) {
    return params(config.policy().sampling(), config.policy().sampling().seed());
  }

  /** The sampling parameters of a configuration, with the template's stop sequences. */
  public static SamplingParams params(PolicyConfig.SamplingConfig s, long seed) {
    return SamplingParams.of(s.temperature(), s.topP(), s.minP(), s.maxTokens(), seed)
        .withStopStrings(PromptTemplate.stopSequences());
  }

  /** For each task prompt, {@code group} completions. */
  public List<List<Generation>> generate(List<String> taskPrompts, int group, SamplingParams params) {
    int[][] prompts = new int[taskPrompts.size()][];
    for (int i = 0; i < prompts.length; i++) {
      prompts[i] = encoder.prompt(taskPrompts.get(i));
      int room = policy.config().contextLength() - prompts[i].length;
      if (room < 1) {
        throw new IllegalArgumentException("prompt " + i + " has " + prompts[i].length + " tokens, which leaves no room"
            + " in the policy's context of " + policy.config().contextLength() + " tokens");
      }
    }
    int longest = 0;
    for (int[] p : prompts) {
      longest = Math.max(longest, p.length);
    }
    int maxTokens = Math.min(params.maxTokens(), policy.config().contextLength() - longest);
    SamplingParams fitted = new SamplingParams(params.temperature(), params.topP(), params.minP(), maxTokens,
        params.stopTokenSequences(), params.stopStrings(), params.seed());
    List<List<Completion>> done = sampler.sample(policy.params(), prompts, group, fitted);
    List<List<Generation>> out = new ArrayList<>();
    for (int i = 0; i < done.size(); i++) {
      List<Generation> g = new ArrayList<>();
      for (Completion c : done.get(i)) {
        g.add(new Generation(prompts[i], c, policy.tokenizer().decode(c.tokens(), true), encoder.code(c.tokens())));
      }
      out.add(g);
    }
    return out;
  }
}
