package dev.manimgrpo.jobs.bench;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderPoolRole;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.jobs.report.TextTable;
import dev.manimgrpo.reward.code.CodeReference;
import dev.manimgrpo.reward.code.CodeRewardCalculator;
import dev.manimgrpo.reward.visual.VisualSimilarity;
import dev.manimgrpo.reward.visual.VisualSimilarityOptions;
import dev.manimgrpo.reward.visual.VisualSimilarityScorer;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The reward stage against the render stage, for the same rollouts, in one run. Each bundled
 * scene stands for a prompt with a group of {@code policy.sampling.group-size} rollouts (the study's
 * G = 8 by default): the scene with its colours
 * changed, each differently. References are rendered by a pool of their own, untimed (in a run
 * they come from the reference cache), so the rollouts' worker starts with a cold LaTeX cache
 * for each prompt's first rollout, as in GRPO. Per rollout the render stage is its
 * reward-profile render; the reward stage is the code reward
 * (CodeBLEU and its parts, AST edit distance) plus the visual similarity against the reference's
 * frames, reference preparation included, as {@code reward.visual.*} configures it (the
 * content-aware score alone by default; {@code --conf reward.visual.study=true --conf render.frame-width=427} adds vs_study at its width).
 * Serial, one worker, one thread: the ratio is per core.
 */
public final class RewardBenchmark {

  private static final String[][] RECOLOURS = {
      {"BLUE", "ORANGE"}, {"BLUE", "PURPLE"}, {"YELLOW", "TEAL"}, {"GREEN", "PINK"},
      {"RED", "MAROON"}, {"BLUE", "GOLD"}, {"YELLOW", "RED"}, {"GREEN", "BLUE"}};

  private final PipelineConfig config;
  private final PrintStream out;

  public RewardBenchmark(PipelineConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Runs over the first {@code limit} scenes (all when limit <= 0); returns reward / render time. */
  public double run(int limit) {
    List<BundledSampleSet.Entry> entries = BundledSampleSet.entries();
    if (limit > 0 && limit < entries.size()) {
      entries = entries.subList(0, limit);
    }
    ManimRuntime runtime = ManimRuntime.locate(config.runtime());
    int group = config.policy().sampling().groupSize();
    CodeRewardCalculator code = new CodeRewardCalculator();
    VisualSimilarityScorer visual = new VisualSimilarityScorer(VisualSimilarityOptions.of(config.reward().visual()), null);
    double renderS = 0;
    double codeS = 0;
    double visualS = 0;
    int n = 0;
    out.printf(Locale.ROOT, "reward benchmark: %d prompts x %d rollouts, serial, one core (first rollout of each shown);"
        + " visual: %s%n", entries.size(), group, visual.options());
    var scratch = config.render().resolvedScratchDir(config.cache());
    try (RenderWorkerPool refs = new RenderWorkerPool(runtime, config.render().withWorkers(1).withReferenceWorkers(1),
             scratch.resolve("bench-ref"), RenderPoolRole.REFERENCE);
         RenderWorkerPool pool = new RenderWorkerPool(runtime, config.render().withWorkers(1), scratch.resolve("bench-rollouts"))) {
      int prompt = 0;
      for (BundledSampleSet.Entry e : entries) {
        RenderResult ref = refs.render(RenderRequest.frames(e.name() + "-ref", e.code()));
        CodeReference prepared = null;
        VisualSimilarityScorer.PreparedReference refFrames = null;
        prompt++;
        for (int g = 0; g < group; g++) {
          String[] swap = RECOLOURS[g % RECOLOURS.length];
          // Whole names only: BLUE_C must stay BLUE_C (Manim has no ORANGE_C, and the render would fail).
          String rollout = e.code().replaceAll("\\b" + swap[0] + "\\b", swap[1]);
          long t0 = System.nanoTime();
          RenderResult cand = pool.render(RenderRequest.frames(e.name() + "-" + g, rollout));
          long t1 = System.nanoTime();
          if (prepared == null) {
            prepared = code.prepare(e.code()); // once per group, as the reward stage does
          }
          double text = code.score(prepared, rollout).textReward();
          long t2 = System.nanoTime();
          if (refFrames == null) {
            refFrames = visual.prepare(ref.frames());
          }
          VisualSimilarity v = visual.score(refFrames, cand.succeeded() ? cand.frames() : null);
          long t3 = System.nanoTime();
          renderS += (t1 - t0) / 1e9;
          codeS += (t2 - t1) / 1e9;
          visualS += (t3 - t2) / 1e9;
          n++;
          if (g == 0) {
            out.printf(Locale.ROOT, "  [%2d/%d] %-36s render %5.2f s  code %6.1f ms  visual %6.1f ms  R_text %.3f  R_visual %.3f  (%s)%n",
                prompt, entries.size(), e.name(), (t1 - t0) / 1e9, (t2 - t1) / 1e6, (t3 - t2) / 1e6, text, v.score(),
                cand.status().wireName());
          }
        }
      }
    }
    double reward = codeS + visualS;
    TextTable t = new TextTable("stage", "seconds", "per rollout ms", "per second (1 core)").right(1, 2, 3);
    t.add("render (reward profile)", f(renderS), f(1000 * renderS / n), f(n / renderS));
    t.add("code reward", f(codeS), f(1000 * codeS / n), f(n / codeS));
    t.add("visual similarity", f(visualS), f(1000 * visualS / n), f(n / visualS));
    t.add("reward stage (code + visual)", f(reward), f(1000 * reward / n), f(n / reward));
    out.println();
    out.print(t.render());
    double ratio = reward / renderS;
    out.printf(Locale.ROOT, "%nreward stage / render stage = %.2f%% (target < 5%%)%n", 100 * ratio);
    return ratio;
  }

  private static String f(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }
}
