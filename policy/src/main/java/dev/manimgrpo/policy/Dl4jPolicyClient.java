package dev.manimgrpo.policy;

import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.model.LanguageModel;
import dev.manimgrpo.policy.sampling.Completion;
import dev.manimgrpo.policy.sampling.Sampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import dev.manimgrpo.policy.tokenizer.TemplateEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    int group = s.groupSize();
    long[] seeds = new long[group];
    for (int g = 0; g < group; g++) {
      seeds[g] = request.seed(g);
    }
    long t0 = System.nanoTime();
    int[] prompt;
    try {
      prompt = encoder.prompt(request.taskPrompt());
    } catch (IllegalArgumentException e) {
      return failAll(request, seeds, "the prompt cannot be encoded: " + e.getMessage(), t0);
    }
    int room = policy.config().contextLength() - prompt.length;
    if (room < 1) {
      return failAll(request, seeds, "the prompt has " + prompt.length + " tokens, which leaves no room in the policy's"
          + " context of " + policy.config().contextLength() + " tokens; shorten the prompt or use a longer-context policy", t0);
    }
    SamplingParams params = SamplingParams.of(s.temperature(), s.topP(), s.minP(), Math.min(s.maxTokens(), room), 0L)
        .withStopStrings(PromptTemplate.stopSequences());
    List<Completion> done;
    lock.lock();
    // Sampling time starts once the lock is held: another task's sampling is not this group's cost.
    t0 = System.nanoTime();
    try {
      // The whole group, always: the requested members are then the same whichever were asked for.
      done = sampler.sampleGroup(policy.params(), prompt, seeds, params);
    } catch (RuntimeException e) {
      return failAll(request, seeds, "sampling failed: " + e, t0);
    } finally {
      lock.unlock();
    }
    double each = (System.nanoTime() - t0) / 1e9 / group;
    List<Generation> out = new ArrayList<>();
    for (int index : request.rolloutIndices()) {
      if (index < 0 || index >= group) {
        out.add(Generation.failed(index, 0L, "rollout index " + index + " is outside the group of " + group, 0));
        continue;
      }
      Completion c = done.get(index);
      out.add(new Generation(index, seeds[index], policy.tokenizer().decode(c.tokens(), true), prompt, c.tokens(),
          c.logProbs(), c.finishReason().name().toLowerCase(Locale.ROOT), null, each));
    }
    return out;
  }

  @Override
  public ExtractedCode extractCode(String completionText) {
    String code = PromptTemplate.extractCode(completionText);
    return new ExtractedCode(code, code.isBlank() ? ExtractedCode.Method.NONE : ExtractedCode.Method.TEMPLATE);
  }

  private static List<Generation> failAll(GroupRequest request, long[] seeds, String why, long t0) {
    double each = (System.nanoTime() - t0) / 1e9 / Math.max(1, request.rolloutIndices().size());
    List<Generation> out = new ArrayList<>();
    for (int index : request.rolloutIndices()) {
      out.add(Generation.failed(index, index >= 0 && index < seeds.length ? seeds[index] : 0L, why, each));
    }
    return out;
  }
}
