package dev.manimgrpo.policy;

import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.policy.sampling.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

/**
 * One rollout group sampled by an in-process model, whatever the model: the group's seeds, the
 * prompt checked against the context, the whole group sampled under the model's lock, and a
 * {@link Generation} per requested member; every failure becomes failed rows with the reason.
 */
final class GroupSampling {

  /** Samples a whole group: the prompt ids, one seed per member, the most new tokens. */
  interface GroupSampler {
    List<Completion> sample(int[] prompt, long[] seeds, int maxNewTokens);
  }

  /**
   * @param encode      the task prompt to the ids the model is fed (IllegalArgumentException: cannot be)
   * @param context     the model's longest sequence
   * @param contextName what the context is called, for the error (e.g. "max_position_embeddings")
   * @param decode      completion ids to text
   */
  static List<Generation> run(GroupRequest request, Function<String, int[]> encode, int context, String contextName,
      Lock lock, GroupSampler sampler, Function<int[], String> decode) {
    SamplingConfig s = request.sampling();
    int group = s.groupSize();
    long[] seeds = new long[group];
    for (int g = 0; g < group; g++) {
      seeds[g] = request.seed(g);
    }
    long t0 = System.nanoTime();
    int[] prompt;
    try {
      prompt = encode.apply(request.taskPrompt());
    } catch (IllegalArgumentException e) {
      return failAll(request, seeds, "the prompt cannot be encoded: " + e.getMessage(), t0);
    }
    int room = context - prompt.length;
    if (room < 1) {
      return failAll(request, seeds, "the prompt has " + prompt.length + " tokens, which leaves no room in the policy's"
          + " context of " + context + " tokens (" + contextName + "); shorten the prompt or use a longer-context"
          + " policy", t0);
    }
    List<Completion> done;
    lock.lock();
    // Sampling time starts once the lock is held: another task's sampling is not this group's cost.
    t0 = System.nanoTime();
    try {
      // The whole group, always: the requested members are then the same whichever were asked for.
      done = sampler.sample(prompt, seeds, Math.min(s.maxTokens(), room));
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
      out.add(new Generation(index, seeds[index], decode.apply(c.tokens()), prompt, c.tokens(), c.logProbs(),
          c.finishReason().name().toLowerCase(Locale.ROOT), null, each));
    }
    return out;
  }

  private static List<Generation> failAll(GroupRequest request, long[] seeds, String why, long t0) {
    double each = (System.nanoTime() - t0) / 1e9 / Math.max(1, request.rolloutIndices().size());
    List<Generation> out = new ArrayList<>();
    for (int index : request.rolloutIndices()) {
      out.add(Generation.failed(index, index >= 0 && index < seeds.length ? seeds[index] : 0L, why, each));
    }
    return out;
  }

  private GroupSampling() {}
}
