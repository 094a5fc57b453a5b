package dev.manimgrpo.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RenderConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.render.ColdCliRenderer;
import dev.manimgrpo.core.render.FrameComparison;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderService;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.jobs.report.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the sample set three ways in one run and prints scenes per second and ratios:
 * (a) cold, one manim CLI process per scene at the quality preset, frames decoded from the
 * MP4, as peers do; (b) the warm pool producing the same MP4 and decoded frames; (c) the warm
 * pool's reward profile, drawing only the sampled frames, at render.frame-width, straight to luma
 * and chroma planes; then (d) (c) once more on the same worker, its LaTeX cache filled by (c). Scenes
 * are interleaved (a, b, c for each scene) so machine load affects all three alike. The warm
 * modes keep what a long-lived worker keeps (its LaTeX cache); each has its own worker, so
 * the cache a mode benefits from was filled by that mode's own earlier scenes only.
 */
public final class RenderBenchmark {

  /** One mode's totals. */
  record ModeResult(String mode, int scenes, int rendered, double seconds) {
    double scenesPerSecond() {
      return scenes / seconds;
    }
  }

  /** Per-scene timings and the (c)-vs-(b) frame agreement. */
  record SceneResult(String name, String status, double coldS, double warmVideoS, double warmFramesS,
      double warmFramesTexCachedS, int framesVideo, int framesReward, double meanAbsError) {}

  private final PipelineConfig config;
  private final PrintStream out;

  public RenderBenchmark(PipelineConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Runs the benchmark over the first {@code limit} bundled scenes (all when limit <= 0). */
  public Map<String, Object> run(int limit, Path reportDir) throws IOException {
    List<BundledSampleSet.Entry> entries = BundledSampleSet.entries();
    if (limit > 0 && limit < entries.size()) {
      entries = entries.subList(0, limit);
    }
    ManimRuntime runtime = ManimRuntime.locate(config.runtime());
    RenderConfig render = config.render().withWorkers(1);
    Path scratch = render.resolvedScratchDir(config.cache()).resolve("bench");
    out.printf(Locale.ROOT, "render benchmark: %d scenes, serial, quality %s, frames at %.1f fps, manim %s (%s)%n",
        entries.size(), render.quality(), render.sampleFps(), runtime.manimVersion(), runtime.mode().configName());
    long poolStart = System.nanoTime();
    List<SceneResult> scenes = new ArrayList<>();
    double poolStartup;
    // (b) and (c) get a pool each, so neither profits from LaTeX the other compiled.
    try (RenderWorkerPool pool = new RenderWorkerPool(runtime, render, scratch.resolve("video"));
         RenderWorkerPool rewardPool = new RenderWorkerPool(runtime, render, scratch.resolve("frames"));
         ColdCliRenderer cold = new ColdCliRenderer(runtime, render, scratch)) {
      poolStartup = (System.nanoTime() - poolStart) / 1e9;
      out.printf(Locale.ROOT, "two warm pools started in %.2f s (the manim import, paid once per worker)%n", poolStartup);
      // One untimed warm-up scene per path so the first timed scene pays no one-off costs.
      timed(cold, RenderRequest.video("warmup", entries.get(0).code(), null));
      timed(pool, RenderRequest.video("warmup", entries.get(0).code(), null));
      timed(rewardPool, RenderRequest.frames("warmup", entries.get(0).code()));
      int i = 0;
      for (BundledSampleSet.Entry e : entries) {
        Timed a = timed(cold, RenderRequest.video(e.name(), e.code(), null));
        Timed b = timed(pool, RenderRequest.video(e.name(), e.code(), null));
        Timed c = timed(rewardPool, RenderRequest.frames(e.name(), e.code()));
        String status = a.result.status() + "/" + b.result.status() + "/" + c.result.status();
        double mae = Double.NaN;
        if (b.result.frames() != null && c.result.frames() != null) {
          mae = FrameComparison.of(b.result.frames(), c.result.frames()).meanAbsoluteError();
        }
        scenes.add(new SceneResult(e.name(), status.toLowerCase(Locale.ROOT), a.seconds, b.seconds, c.seconds, Double.NaN,
            b.result.frames() == null ? 0 : b.result.frames().count(),
            c.result.frames() == null ? 0 : c.result.frames().count(), mae));
        out.printf(Locale.ROOT, "  [%2d/%d] %-36s cold %5.2f s  warm-video %5.2f s  warm-frames %5.2f s%n",
            ++i, entries.size(), e.name(), a.seconds, b.seconds, c.seconds);
      }
      // (d) The reward profile again on the same worker: every formula is in its LaTeX cache,
      // as in a GRPO run after the first step (the same prompts, G rollouts each, step after step).
      out.println("second pass of the reward profile, LaTeX cached:");
      for (int k = 0; k < scenes.size(); k++) {
        SceneResult r = scenes.get(k);
        Timed d = timed(rewardPool, RenderRequest.frames(r.name(), entries.get(k).code()));
        scenes.set(k, new SceneResult(r.name(), r.status(), r.coldS(), r.warmVideoS(), r.warmFramesS(), d.seconds,
            r.framesVideo(), r.framesReward(), r.meanAbsError()));
      }
    }
    ModeResult a = total("a cold CLI + decode", scenes, SceneResult::coldS);
    ModeResult b = total("b warm pool, video + decode", scenes, SceneResult::warmVideoS);
    ModeResult c = total("c warm pool, reward frames", scenes, SceneResult::warmFramesS);
    ModeResult d = total("d c again, LaTeX cached", scenes, SceneResult::warmFramesTexCachedS);
    TextTable t = new TextTable("mode", "scenes", "seconds", "scenes/s", "vs cold").right(1, 2, 3, 4);
    for (ModeResult m : List.of(a, b, c, d)) {
      t.add(m.mode(), m.scenes(), f2(m.seconds()), f3(m.scenesPerSecond()), f2(m.scenesPerSecond() / a.scenesPerSecond()) + "x");
    }
    out.println();
    out.print(t.render());
    double worstMae = scenes.stream().mapToDouble(SceneResult::meanAbsError).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
    long countMismatch = scenes.stream().filter(s -> s.framesVideo() != s.framesReward()).count();
    out.printf(Locale.ROOT, "%nratios: warm video / cold = %.2fx (target >= 1.3x), reward frames / cold = %.2fx (target >= 5x);"
        + " with LaTeX cached %.2fx%n", b.scenesPerSecond() / a.scenesPerSecond(), c.scenesPerSecond() / a.scenesPerSecond(),
        d.scenesPerSecond() / a.scenesPerSecond());
    out.printf(Locale.ROOT, "fidelity (c) vs (b) frames: worst per-scene mean |diff| %.2f of 255; %d scene(s) with a different frame count%n",
        worstMae, countMismatch);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("manim_version", runtime.mode().configName() + " " + runtime.manimVersion());
    report.put("scenes", scenes.size());
    report.put("pool_startup_s", poolStartup);
    report.put("modes", List.of(a, b, c, d));
    report.put("frame_width", render.frameWidth());
    report.put("ratio_warm_video_vs_cold", b.scenesPerSecond() / a.scenesPerSecond());
    report.put("ratio_reward_frames_vs_cold", c.scenesPerSecond() / a.scenesPerSecond());
    report.put("ratio_reward_frames_latex_cached_vs_cold", d.scenesPerSecond() / a.scenesPerSecond());
    report.put("per_scene", scenes);
    if (reportDir != null) {
      Files.createDirectories(reportDir);
      Path file = reportDir.resolve("render-bench.json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
      out.println("report: " + file);
    }
    return report;
  }

  private record Timed(RenderResult result, double seconds) {}

  private static Timed timed(RenderService service, RenderRequest request) {
    long t0 = System.nanoTime();
    RenderResult r = service.render(request);
    return new Timed(r, (System.nanoTime() - t0) / 1e9);
  }

  private static ModeResult total(String name, List<SceneResult> scenes, java.util.function.ToDoubleFunction<SceneResult> f) {
    double s = scenes.stream().mapToDouble(f).sum();
    int ok = (int) scenes.stream().filter(x -> x.status().equals("rendered/rendered/rendered")).count();
    return new ModeResult(name, scenes.size(), ok, s);
  }

  private static String f2(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  private static String f3(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }

}
