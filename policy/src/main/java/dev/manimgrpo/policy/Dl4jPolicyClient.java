package dev.manimgrpo.policy;

import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.model.LanguageModel;
import dev.manimgrpo.policy.sampling.Sampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import dev.manimgrpo.policy.tokenizer.TemplateEncoder;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The project's own policy behind {@link PolicyClient}: loaded once per JVM (an executor), sampling
 * one group at a time with the KV cache. Each completion draws from its own seed (a function of
 * the sampling seed, prompt id, step and rollout index), and a group is always sampled whole and
 * alone, so a completion never depends on the batch, partition or task attempt it landed in.
 *
 * <p>Token ids and log-probs are the trainer's own, so the shards it produces can be trained on.
 * Tasks of one executor share the client: sampling is serialised by a lock (the engines keep
 * per-shape graphs and buffers that are not thread-safe), while other tasks render.
 */
public final class Dl4jPolicyClient implements PolicyClient {

  private final Policy policy;
  private final TemplateEncoder encoder;
  private final Sampler sampler;
  private final String id;
  private final ReentrantLock lock = new ReentrantLock(true);

  public Dl4jPolicyClient(Policy policy, LanguageModel lm) {
    this.policy = policy;
    this.encoder = new TemplateEncoder(policy.tokenizer());
    this.sampler = new Sampler(lm, policy.tokenizer().eosId(), ids -> policy.tokenizer().decode(ids, true));
    this.id = "dl4j:" + policy.source() + "@" + policy.step();
  }

  @Override
  public String policyId() {
    return id;
  }

  @Override
  public boolean trainerReproducible() {
    return true;
  }

  public Policy policy() {
    return policy;
  }

  @Override
  public List<Generation> generate(GroupRequest request) {
    SamplingConfig s = request.sampling();
    return GroupSampling.run(request, encoder::prompt, policy.config().contextLength(), "the policy's context length",
        lock, (prompt, seeds, maxNew) -> sampler.sampleGroup(policy.params(), prompt, seeds,
            SamplingParams.of(s.temperature(), s.topP(), s.minP(), maxNew, 0L)
                .withStopStrings(PromptTemplate.stopSequences())),
        ids -> policy.tokenizer().decode(ids, true));
  }

  @Override
  public ExtractedCode extractCode(String completionText) {
    return PromptTemplate.extracted(completionText);
  }
}
