package dev.manimgrpo.trainer.eval;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderStatus;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.trainer.data.SftExample;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.PolicySampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Render Success Rate (the study's RSR) of a policy on a dataset split: each prompt's completions
 * are sampled, their code extracted and rendered by the sandboxed render pool in the reward
 * profile; RSR = rendered / attempted. Every attempt is counted, whatever happened to it.
 */
public final class RenderSuccessRate {

  /** One attempt. */
  public record Attempt(String sampleId, int index, RenderStatus status, String error, int tokens, String code) {}

  /** The result: every attempt and the rate. */
  public record Report(List<Attempt> attempts, Map<RenderStatus, Integer> byStatus) {
    public double rate() {
      return attempts.isEmpty() ? 0 : (double) byStatus.getOrDefault(RenderStatus.RENDERED, 0) / attempts.size();
    }
  }

  private final PipelineConfig config;
  private final PrintStream out;

  public RenderSuccessRate(PipelineConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** One completion as rendered: its extracted code and its length in tokens. */
  public record Sample(String code, int tokens) {}

  /** Draws {@code perPrompt} completions of example number {@code ordinal} (1-based). */
  @FunctionalInterface
  public interface Sampler {
    List<Sample> sample(SftExample example, int ordinal, int perPrompt);
  }

  /** Samples {@code perPrompt} completions for every example from the project's own policy and renders them. */
  public Report run(Policy policy, SftDataset data, int perPrompt, SamplingParams params) {
    PolicySampler sampler = PolicySampler.of(policy, config);
    return run(policy.source() + " (step " + policy.step() + ")", (e, i, n) -> {
      List<Sample> out = new ArrayList<>();
      for (PolicySampler.Generation g : sampler.generate(List.of(e.prompt()), n,
          params.withSeed(params.seed() * 1_000_003L + i)).get(0)) {
        out.add(new Sample(g.code(), g.completion().length()));
      }
      return out;
    }, data, perPrompt);
  }

  /**
   * The same for any policy client (a Hugging Face model or adapter): each example is one group of
   * {@code perPrompt} rollouts at step 0, seeded as the rollout job seeds them.
   */
  public Report run(PolicyClient client, SftDataset data, int perPrompt, PolicyConfig.SamplingConfig sampling) {
    PolicyConfig.SamplingConfig group = sampling.withGroupSize(perPrompt);
    return run(client.policyId(), (e, i, n) -> {
      List<Sample> out = new ArrayList<>();
      for (Generation g : client.generate(GroupRequest.wholeGroup(e.id(), e.prompt(), 0, group))) {
        if (g.error() != null) {
          throw new IllegalStateException("sampling " + e.id() + " failed: " + g.error());
        }
        out.add(new Sample(client.extractCode(g.text()).code(), g.completionTokens()));
      }
      return out;
    }, data, perPrompt);
  }

  /** Renders what {@code sampler} draws for every example. */
  public Report run(String policyName, Sampler sampler, SftDataset data, int perPrompt) {
    List<Attempt> attempts = new ArrayList<>();
    Map<RenderStatus, Integer> by = new EnumMap<>(RenderStatus.class);
    ManimRuntime runtime = ManimRuntime.locate(config.runtime());
    Path scratch = config.render().resolvedScratchDir(config.cache()).resolve("rsr");
    out.printf(Locale.ROOT, "render success rate: policy %s, %d prompts of %s (%s) x %d completions%n",
        policyName, data.size(), data.source(), data.split(), perPrompt);
    try (RenderWorkerPool pool = new RenderWorkerPool(runtime, config.render(), scratch)) {
      int i = 0;
      for (SftExample e : data.examples()) {
        i++;
        List<Sample> samples = sampler.sample(e, i, perPrompt);
        for (int k = 0; k < samples.size(); k++) {
          Sample g = samples.get(k);
          RenderResult r = pool.render(RenderRequest.frames(e.id() + "-" + k, g.code()));
          String error = r.succeeded() ? "" : (r.exceptionType() == null ? "" : r.exceptionType() + ": ") + r.message();
          attempts.add(new Attempt(e.id(), k, r.status(), error, g.tokens(), g.code()));
          by.merge(r.status(), 1, Integer::sum);
          out.printf(Locale.ROOT, "  [%2d/%d] %-18s #%d %-14s %4d tokens  %s%n", i, data.size(), e.id(), k,
              r.status().wireName(), g.tokens(), abbreviate(error, 70));
        }
      }
    }
    Report rep = new Report(List.copyOf(attempts), by);
    out.printf(Locale.ROOT, "%nRSR %.1f%% (%d of %d rendered); by status: %s%n", 100 * rep.rate(),
        attempts.stream().filter(a -> a.status().succeeded()).count(), attempts.size(), by);
    return rep;
  }

  private static String abbreviate(String s, int n) {
    String one = s.replace('\n', ' ');
    return one.length() <= n ? one : one.substring(0, n - 3) + "...";
  }
}
