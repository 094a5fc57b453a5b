package dev.manimgrpo.trainer.eval;

import dev.manimgrpo.core.config.PipelineConfig;
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

  /** Samples {@code perPrompt} completions for every example and renders them. */
  public Report run(Policy policy, SftDataset data, int perPrompt, SamplingParams params) {
    PolicySampler sampler = PolicySampler.of(policy, config);
    List<Attempt> attempts = new ArrayList<>();
    Map<RenderStatus, Integer> by = new EnumMap<>(RenderStatus.class);
    ManimRuntime runtime = ManimRuntime.locate(config.runtime());
    Path scratch = config.render().resolvedScratchDir(config.cache()).resolve("rsr");
    out.printf(Locale.ROOT, "render success rate: policy %s (step %d), %d prompts of %s (%s) x %d completions%n",
        policy.source(), policy.step(), data.size(), data.source(), data.split(), perPrompt);
    try (RenderWorkerPool pool = new RenderWorkerPool(runtime, config.render(), scratch)) {
      int i = 0;
      for (SftExample e : data.examples()) {
        i++;
        List<PolicySampler.Generation> gens = sampler.generate(List.of(e.prompt()), perPrompt, params.withSeed(
            params.seed() * 1_000_003L + i)).get(0);
        for (int k = 0; k < gens.size(); k++) {
          PolicySampler.Generation g = gens.get(k);
          RenderResult r = pool.render(RenderRequest.frames(e.id() + "-" + k, g.code()));
          String error = r.succeeded() ? "" : (r.exceptionType() == null ? "" : r.exceptionType() + ": ") + r.message();
          attempts.add(new Attempt(e.id(), k, r.status(), error, g.completion().length(), g.code()));
          by.merge(r.status(), 1, Integer::sum);
          out.printf(Locale.ROOT, "  [%2d/%d] %-18s #%d %-14s %4d tokens  %s%n", i, data.size(), e.id(), k,
              r.status().wireName(), g.completion().length(), abbreviate(error, 70));
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
