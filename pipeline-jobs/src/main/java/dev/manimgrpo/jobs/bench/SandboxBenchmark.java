package dev.manimgrpo.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RenderConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.RenderPoolRole;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
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
 * What the sandbox costs: the bundled scenes rendered by one warm worker with the full sandbox
 * (namespaces, uid switch, seccomp, tmpfs scratch wiped per render, the pipe protocol's checks,
 * the watchdog) and by one with the sandbox off (the same worker script and protocol over a
 * throwaway host folder, no isolation, no watchdog), interleaved scene by scene, with the order
 * alternating so drift in machine load falls on both alike. Prints both totals and the ratio.
 */
public final class SandboxBenchmark {

  /** Per-scene seconds with and without the sandbox. */
  record SceneResult(String name, String status, double sandboxedS, double unsandboxedS) {}

  private final PipelineConfig config;
  private final PrintStream out;

  public SandboxBenchmark(PipelineConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Runs the first {@code limit} scenes (all when <= 0) {@code rounds} times in {@code profile}; returns the cost ratio - 1. */
  public double run(int limit, int rounds, RenderProfile profile, Path reportDir) throws IOException {
    List<BundledSampleSet.Entry> entries = BundledSampleSet.entries();
    if (limit > 0 && limit < entries.size()) {
      entries = entries.subList(0, limit);
    }
    ManimRuntime runtime = ManimRuntime.locate(config.runtime());
    RenderConfig render = config.render().withWorkers(1).withReferenceWorkers(1);
    Path scratch = render.resolvedScratchDir(config.cache()).resolve("bench-sandbox");
    out.printf(Locale.ROOT, "sandbox benchmark: %d scenes x %d round(s), %s profile, one worker each, manim %s%n",
        entries.size(), rounds, profile.name().toLowerCase(Locale.ROOT), runtime.manimVersion());
    List<SceneResult> scenes = new ArrayList<>();
    String limits;
    try (RenderWorkerPool full = new RenderWorkerPool(runtime, render, scratch, RenderPoolRole.REFERENCE);
         RenderWorkerPool off = RenderWorkerPool.unsandboxedForBenchmark(runtime, render, scratch)) {
      limits = full.limits();
      out.println("sandboxed: " + limits);
      // Untimed warm-up so neither arm pays one-off costs in the timed part.
      full.render(request("warmup", entries.get(0).code(), profile));
      off.render(request("warmup", entries.get(0).code(), profile));
      int i = 0;
      for (int round = 0; round < rounds; round++) {
        for (BundledSampleSet.Entry e : entries) {
          boolean sandboxFirst = (i % 2) == 0;
          double[] t = new double[2];
          String[] st = new String[2];
          for (int k = 0; k < 2; k++) {
            boolean sandboxed = (k == 0) == sandboxFirst;
            long t0 = System.nanoTime();
            RenderResult r = (sandboxed ? full : off).render(request(e.name(), e.code(), profile));
            t[sandboxed ? 0 : 1] = (System.nanoTime() - t0) / 1e9;
            st[sandboxed ? 0 : 1] = r.status().wireName();
          }
          scenes.add(new SceneResult(e.name(), st[0] + "/" + st[1], t[0], t[1]));
          out.printf(Locale.ROOT, "  [%3d/%d] %-36s sandboxed %5.2f s  off %5.2f s  (%s)%n", ++i,
              entries.size() * rounds, e.name(), t[0], t[1], st[0] + "/" + st[1]);
        }
      }
    }
    double on = scenes.stream().mapToDouble(SceneResult::sandboxedS).sum();
    double none = scenes.stream().mapToDouble(SceneResult::unsandboxedS).sum();
    long agree = scenes.stream().filter(s -> s.status().equals("rendered/rendered")).count();
    TextTable t = new TextTable("arm", "renders", "seconds", "renders/s").right(1, 2, 3);
    t.add("sandbox on", scenes.size(), f(on), f(scenes.size() / on));
    t.add("sandbox off", scenes.size(), f(none), f(scenes.size() / none));
    out.println();
    out.print(t.render());
    double cost = on / none - 1;
    out.printf(Locale.ROOT, "%nsandbox cost: %+.1f%% of render time (sandboxed / unsandboxed = %.3f; target < 10%%);"
        + " %d of %d scenes rendered in both arms%n", 100 * cost, on / none, agree, scenes.size());
    if (reportDir != null) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("manim_version", runtime.manimVersion());
      report.put("profile", profile.name().toLowerCase(Locale.ROOT));
      report.put("limits", limits);
      report.put("sandboxed_s", on);
      report.put("unsandboxed_s", none);
      report.put("cost_ratio", on / none);
      report.put("per_scene", scenes);
      Files.createDirectories(reportDir);
      Path file = reportDir.resolve("sandbox-bench.json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
      out.println("report: " + file);
    }
    return cost;
  }

  private static RenderRequest request(String id, String code, RenderProfile profile) {
    return new RenderRequest(id, code, null, profile, null);
  }

  private static String f(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }
}
