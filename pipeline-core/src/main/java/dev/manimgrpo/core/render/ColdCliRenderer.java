package dev.manimgrpo.core.render;

import dev.manimgrpo.core.code.SceneClassFinder;
import dev.manimgrpo.core.config.RenderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The way peers render: one {@code manim render} CLI process per scene (paying the manim
 * import every time), an MP4 written at the quality's frame rate, then frames decoded from
 * it. Sandboxed like the pool. Kept as the benchmark's baseline; its status detection is
 * coarser (exit code and stderr), as the CLI reports no structure.
 */
public final class ColdCliRenderer implements RenderService {

  private static final Map<String, String> QUALITY_FLAGS = Map.of(
      "low_quality", "-ql", "medium_quality", "-qm", "high_quality", "-qh",
      "production_quality", "-qp", "fourk_quality", "-qk", "example_quality", "-ql");

  private static final String OUTPUT_NAME = "out";

  private final ManimRuntime runtime;
  private final RenderConfig config;
  private final Sandbox sandbox;
  private final FrameDecoder decoder;
  private final Path scratch;
  private final Path seccomp;
  private final int uid;
  private final SandboxUids.Lease uidLease;

  public ColdCliRenderer(ManimRuntime runtime, RenderConfig config, Path scratchBase) {
    this.runtime = runtime;
    this.config = config;
    this.sandbox = new Sandbox(runtime);
    this.seccomp = SeccompFilter.forThisMachine().map(f -> f.install(scratchBase)).orElse(null);
    this.decoder = new FrameDecoder(sandbox, seccomp);
    this.uidLease = SandboxUids.claim(config.sandboxUidBase());
    this.uid = uidLease.uid();
    this.scratch = scratchBase.resolve("cold-" + ProcessHandle.current().pid());
  }

  @Override
  public RenderResult render(RenderRequest request) {
    long started = System.nanoTime();
    Path work = scratch.resolve("r");
    try {
      // Fresh state per render: the whole scratch folder, its tmp (the CLI's home) included.
      FileTrees.delete(scratch);
      Sandbox.prepareScratch(scratch, uid);
      Files.createDirectories(work);
      if (Sandbox.jvmIsRoot()) {
        Files.setAttribute(work, "unix:uid", uid);
        Files.setAttribute(work, "unix:gid", uid);
      }
      Files.writeString(work.resolve("scene.py"), request.code());
      List<String> argv = new ArrayList<>(List.of("python3", "-m", "manim", "render",
          QUALITY_FLAGS.getOrDefault(config.quality(), "-ql"), "--disable_caching", "--progress_bar", "none",
          "--media_dir", Sandbox.SCRATCH + "/r/media", "-o", OUTPUT_NAME, Sandbox.SCRATCH + "/r/scene.py"));
      List<String> scenes = request.sceneName() != null ? List.of(request.sceneName()) : SceneClassFinder.find(request.code());
      if (scenes.size() == 1) {
        argv.add(scenes.get(0));
      }
      Process p = ProcessLauncher.start(sandbox.command(scratch, uid, seccomp, argv));
      p.getOutputStream().close();
      byte[] stderr;
      try (InputStream err = p.getErrorStream(); InputStream out = p.getInputStream()) {
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(java.io.OutputStream.nullOutputStream());
          } catch (IOException ignored) {
            // closed
          }
        });
        drain.setDaemon(true);
        drain.start();
        stderr = err.readAllBytes();
      }
      boolean finished = p.waitFor(config.timeoutSeconds(), TimeUnit.SECONDS);
      if (!finished) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return RenderResult.failure(request.id(), RenderStatus.TIMEOUT, "timeout", manimVersion(), seconds(started));
      }
      double renderSeconds = seconds(started);
      List<String> tail = tail(new String(stderr, StandardCharsets.UTF_8), config.stderrLines());
      if (p.exitValue() != 0) {
        return new RenderResult(request.id(), RenderStatus.RUNTIME_ERROR, null, null,
            "manim exited with code " + p.exitValue(), tail, null, null, null, 0, renderSeconds, seconds(started), manimVersion(), null);
      }
      // The CLI's process tree is gone (bwrap's PID namespace dies with it): the outputs are
      // read from paths computed here, never followed out of the scratch folder.
      QualityPreset q = QualityPreset.of(config.quality());
      String video = "r/media/videos/scene/" + q.pixelHeight + "p" + q.frameRate + "/" + OUTPUT_NAME + ".mp4";
      String image = "r/media/images/scene/" + OUTPUT_NAME + ".png";
      String output = ScratchFiles.exists(scratch, video) ? video : ScratchFiles.exists(scratch, image) ? image : null;
      if (output == null) {
        return new RenderResult(request.id(), RenderStatus.RUNTIME_ERROR, null, null, "manim wrote no video or image",
            tail, null, null, null, 0, renderSeconds, seconds(started), manimVersion(), null);
      }
      byte[] bytes = ScratchFiles.read(scratch, output, config.maxFileMb() * 1024L * 1024L);
      VideoFrames frames = decoder.decode(scratch, uid, Sandbox.SCRATCH + "/" + output, config.sampleFps(), config.frameWidth());
      Path kept = null;
      if (request.outputDir() != null) {
        Files.createDirectories(request.outputDir());
        kept = request.outputDir().resolve(request.id() + (output.endsWith(".png") ? ".png" : ".mp4"));
        Files.write(kept, bytes);
      }
      double duration = output.endsWith(".png") ? 0 : frames.durationSeconds();
      return new RenderResult(request.id(), RenderStatus.RENDERED, null, null, "", tail,
          scenes.size() == 1 ? scenes.get(0) : null, kept, frames, duration, renderSeconds, seconds(started), manimVersion(), null);
    } catch (IOException e) {
      return RenderResult.failure(request.id(), RenderStatus.SANDBOX_ERROR, e.getMessage(), manimVersion(), seconds(started));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RenderResult.failure(request.id(), RenderStatus.SANDBOX_ERROR, "interrupted", manimVersion(), seconds(started));
    }
  }

  private static List<String> tail(String text, int n) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }

  @Override
  public String manimVersion() {
    return runtime.manimVersion();
  }

  @Override
  public void close() {
    FileTrees.deleteQuietly(scratch);
    uidLease.close();
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
