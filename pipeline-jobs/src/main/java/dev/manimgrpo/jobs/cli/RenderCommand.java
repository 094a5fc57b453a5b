package dev.manimgrpo.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.code.CodeExtractor;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.RenderPoolRole;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.jobs.report.TextTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code manim-grpo render FILE...}: renders Manim files through the sandboxed warm pool, as
 * rollouts are rendered, and shows why each one failed. What a user reaches for first with a
 * completion that does not render.
 */
@Command(name = "render", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    header = "Render Manim files (or - for standard input) through the sandboxed render pool and show what happened.",
    description = {
        "%nEach file is treated as model output: rendered in the sandbox with the limits of render.*, in the",
        "reward profile (frames, as rollouts are scored) or the video profile (an MP4 as the manim CLI makes at -ql).",
        "Prints one line per file (status, exception, line in the file, scene time, frames, seconds) and, for",
        "failures, the last stderr lines the study feeds back to the model; --json prints one JSON object per file.",
        "%nExit codes: 0 every file rendered, 3 some did not, 2 invalid input, 1 the environment failed.%n"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every file rendered", "3:some file did not render", "2:invalid input", "1:environment failure"})
public final class RenderCommand implements Callable<Integer> {

  /** Exit code when some file did not render. */
  public static final int EXIT_NOT_RENDERED = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Manim source files; - reads standard input.")
  List<String> files;

  @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "FRAMES",
      description = "FRAMES (the reward profile) or VIDEO (an MP4, frames decoded from it).")
  RenderProfile profile;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Keep each video (or still image) as DIR/<NN>-<file name>.mp4|png; implies --profile VIDEO.")
  Path out;

  @Option(names = "--scene", paramLabel = "NAME", description = "The Scene subclass to render (default: the only one).")
  String scene;

  @Option(names = "--extract", description = "The files are model answers: take the code from <CODE> tags or a fenced"
      + " block first, as rollouts do.")
  boolean extract;

  @Option(names = "--json", description = "One JSON object per file on standard output, no table.")
  boolean json;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
      description = "Warm workers (0: render.workers, at most one per file).")
  int workers;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    if (out != null && profile == RenderProfile.FRAMES) {
      profile = RenderProfile.VIDEO;
    }
    List<Source> sources = new ArrayList<>();
    for (String f : files) {
      sources.add(read(f, sources.size()));
    }
    int n = Math.max(1, Math.min(sources.size(), workers > 0 ? workers : config.render().workers()));
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("files", files, "profile", profile.name().toLowerCase(Locale.ROOT),
          "workers", n, "output", out == null ? "(none kept)" : out));
    }
    ManimRuntime runtime = ManimRuntime.locate(config.runtime());
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<RenderResult> results = new ArrayList<>();
    try (RenderWorkerPool pool = new RenderWorkerPool(runtime, config.render().withWorkers(n),
        config.render().resolvedScratchDir(config.cache()), RenderPoolRole.CANDIDATE)) {
      (json ? err : stdout).printf(Locale.ROOT, "rendering %d file(s), %s profile, manim %s, %d worker(s); limits: %s%n",
          sources.size(), profile.name().toLowerCase(Locale.ROOT), pool.manimVersion(), n, pool.limits());
      (json ? err : stdout).flush();
      ExecutorService exec = Executors.newFixedThreadPool(n);
      try {
        List<Future<RenderResult>> futures = new ArrayList<>();
        for (Source s : sources) {
          RenderRequest req = new RenderRequest(s.id(), s.code(), scene, profile, out);
          futures.add(exec.submit(() -> pool.render(req)));
        }
        for (Future<RenderResult> f : futures) {
          results.add(f.get());
        }
      } finally {
        exec.shutdownNow();
      }
    }
    if (json) {
      for (int i = 0; i < sources.size(); i++) {
        stdout.println(JSON.writeValueAsString(toJson(sources.get(i), results.get(i))));
      }
    } else {
      stdout.print(table(sources, results));
    }
    stdout.flush();
    err.flush();
    return results.stream().allMatch(RenderResult::succeeded) ? 0 : EXIT_NOT_RENDERED;
  }

  /** One input: its name as given, an id safe as a file name, and the code to render. */
  record Source(String name, String id, String code) {}

  private Source read(String file, int index) throws IOException {
    byte[] bytes;
    String name;
    if ("-".equals(file)) {
      bytes = System.in.readAllBytes();
      name = "<stdin>";
    } else {
      Path p = Path.of(file);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("FILE " + file + " is not a readable file");
      }
      bytes = Files.readAllBytes(p);
      name = file;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("FILE " + name + " is not UTF-8 text; Manim sources must be UTF-8");
    }
    String code = extract ? CodeExtractor.extract(text).code() : text;
    String base = "-".equals(file) ? "stdin" : Path.of(file).getFileName().toString().replaceFirst("\\.py$", "");
    String id = String.format(Locale.ROOT, "%02d-%s", index + 1, base.replaceAll("[^A-Za-z0-9._-]", "_"));
    return new Source(name, id, code);
  }

  static String table(List<Source> sources, List<RenderResult> results) {
    TextTable t = new TextTable("file", "status", "exception", "line", "scene", "scene s", "frames", "seconds", "message")
        .right(3, 5, 6, 7);
    StringBuilder failures = new StringBuilder();
    for (int i = 0; i < sources.size(); i++) {
      RenderResult r = results.get(i);
      t.add(sources.get(i).name(), r.status().wireName(), r.exceptionType(), r.errorLine(), r.sceneName(),
          r.succeeded() ? String.format(Locale.ROOT, "%.1f", r.durationSeconds()) : "",
          r.frames() == null ? "" : r.frames().count(), String.format(Locale.ROOT, "%.2f", r.wallSeconds()),
          abbreviate(r.message(), 60));
      if (!r.succeeded()) {
        failures.append(String.format(Locale.ROOT, "%n%s: %s%s%n", sources.get(i).name(), r.status().wireName(),
            r.message().isEmpty() ? "" : " - " + r.message()));
        for (String line : r.stderrTail()) {
          failures.append("  | ").append(line).append('\n');
        }
      }
      if (r.videoFile() != null) {
        failures.append(String.format(Locale.ROOT, "%s: kept %s%n", sources.get(i).name(), r.videoFile()));
      }
    }
    long ok = results.stream().filter(RenderResult::succeeded).count();
    return t.render() + failures + String.format(Locale.ROOT, "%n%d of %d rendered%n", ok, results.size());
  }

  static ObjectNode toJson(Source s, RenderResult r) {
    ObjectNode o = JSON.createObjectNode()
        .put("file", s.name())
        .put("id", r.id())
        .put("status", r.status().wireName())
        .put("exception_type", r.exceptionType())
        .put("message", r.message())
        .put("scene", r.sceneName())
        .put("duration_s", r.durationSeconds())
        .put("render_s", r.renderSeconds())
        .put("wall_s", r.wallSeconds())
        .put("manim_version", r.manimVersion());
    if (r.errorLine() != null) {
      o.put("error_line", r.errorLine());
    } else {
      o.putNull("error_line");
    }
    o.putArray("stderr_tail").addAll(r.stderrTail().stream().map(JSON.getNodeFactory()::textNode).toList());
    if (r.frames() != null) {
      o.put("frames", r.frames().count()).put("frame_width", r.frames().width())
          .put("frame_height", r.frames().height()).put("fps", r.frames().fps());
    }
    if (r.videoFile() != null) {
      o.put("video", r.videoFile().toString());
    }
    return o;
  }

  private static String abbreviate(String s, int max) {
    String one = s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max - 3) + "...";
  }
}
