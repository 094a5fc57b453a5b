package dev.manimgrpo.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.RenderConfig;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One warm render worker: a sandboxed Python process that imported manim once and forks a
 * child per render (see {@code manim_worker.py}). Not thread-safe; the pool hands a worker
 * to one caller at a time. A worker that stops answering is killed with its process tree
 * and reported dead, so the pool can replace it.
 */
final class RenderWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RenderWorker.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Extra seconds past the render timeout before the Java side gives up on the worker. */
  private static final int GRACE_SECONDS = 30;
  private static final String EOF = "\u0000eof";

  private final int index;
  private final int uid;
  private final RenderConfig config;
  private final Path scratch;
  private final Sandbox sandbox;
  private final Path workerDir;
  private final FrameDecoder decoder;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private Process process;
  private BufferedWriter stdin;
  private String manimVersion;
  private double importSeconds;

  RenderWorker(int index, RenderConfig config, Path scratch, Sandbox sandbox, Path workerDir, FrameDecoder decoder) {
    this.index = index;
    this.uid = config.sandboxUidBase() + index;
    this.config = config;
    this.scratch = Sandbox.prepareScratch(scratch, uid);
    this.sandbox = sandbox;
    this.workerDir = workerDir;
    this.decoder = decoder;
  }

  /** Starts the process and waits until it has imported manim. */
  void start() throws IOException {
    List<String> cmd = sandbox.command(scratch, workerDir, uid,
        List.of("python3", Sandbox.WORKER_DIR + "/manim_worker.py"));
    lines.clear();
    process = ProcessLauncher.start(cmd);
    stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread out = new Thread(this::pumpStdout, "render-worker-" + index + "-out");
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(this::pumpStderr, "render-worker-" + index + "-err");
    err.setDaemon(true);
    err.start();
    JsonNode ready = next(config.workerStartTimeoutSeconds());
    if (ready == null || !"ready".equals(ready.path("event").asText())) {
      String why = ready == null ? "no ready message within " + config.workerStartTimeoutSeconds() + " s" : ready.toString();
      kill();
      throw new IOException("render worker " + index + " did not start (" + why + "); its stderr:\n" + stderrSnapshot());
    }
    manimVersion = ready.path("manim_version").asText();
    importSeconds = ready.path("import_s").asDouble();
    LOG.info("render worker {} ready: manim {} imported in {} s (pid {})", index, manimVersion,
        String.format("%.2f", importSeconds), process.pid());
  }

  String manimVersion() {
    return manimVersion;
  }

  double importSeconds() {
    return importSeconds;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Renders one request; a dead or hung worker yields a SANDBOX_ERROR result, not an exception. */
  RenderResult render(RenderRequest request) {
    long started = System.nanoTime();
    ObjectNode req = JSON.createObjectNode()
        .put("op", "render")
        .put("id", request.id())
        .put("code", request.code())
        .put("profile", request.profile() == RenderProfile.FRAMES ? "frames" : "video")
        .put("quality", config.quality())
        .put("fps", config.sampleFps())
        .put("frame_width", config.frameWidth())
        .put("timeout_seconds", config.timeoutSeconds())
        .put("cpu_seconds", config.cpuSeconds())
        .put("memory_mb", config.memoryMb())
        // RLIMIT_NPROC counts every process of the uid on the host: it is only meaningful when
        // the sandbox runs as a uid of its own (JVM as root). Otherwise 0 = not set.
        .put("max_processes", Sandbox.jvmIsRoot() ? config.maxProcesses() : 0)
        .put("max_file_mb", config.maxFileMb())
        .put("stderr_lines", config.stderrLines());
    if (request.sceneName() != null) {
      req.put("scene", request.sceneName());
    }
    JsonNode res;
    try {
      stdin.write(JSON.writeValueAsString(req));
      stdin.write('\n');
      stdin.flush();
      res = next(config.timeoutSeconds() + GRACE_SECONDS);
    } catch (IOException e) {
      res = null;
    }
    if (res == null || res.has("event")) {
      String why = res == null
          ? (alive() ? "worker stopped answering" : "worker died (exit " + exitCode() + ")")
          : "unexpected worker message " + res;
      kill();
      return RenderResult.failure(request.id(), RenderStatus.SANDBOX_ERROR, why + "; worker restarted",
          manimVersion, seconds(started));
    }
    return toResult(request, res, started);
  }

  private RenderResult toResult(RenderRequest request, JsonNode res, long started) {
    RenderStatus status = RenderStatus.fromWire(res.path("status").asText(null));
    List<String> tail = new ArrayList<>();
    res.path("stderr_tail").forEach(n -> tail.add(n.asText()));
    String message = res.path("message").asText("");
    Path renderDir = scratch.resolve("r");
    VideoFrames frames = null;
    Path kept = null;
    if (status == RenderStatus.RENDERED) {
      try {
        if (request.profile() == RenderProfile.FRAMES) {
          byte[] raw = Files.readAllBytes(renderDir.resolve(res.path("frames").asText("frames.gray")));
          frames = new VideoFrames(res.path("frame_width").asInt(), res.path("frame_height").asInt(),
              res.path("fps").asDouble(), res.path("frame_count").asInt(), raw);
        } else {
          String rel = res.hasNonNull("video") ? res.get("video").asText() : res.path("image").asText(null);
          if (rel == null) {
            status = RenderStatus.SANDBOX_ERROR;
            message = "manim reported success but wrote no video or image";
          } else {
            Path file = renderDir.resolve(rel).normalize();
            if (!file.startsWith(renderDir)) {
              throw new IOException("output path escapes the render folder: " + rel);
            }
            frames = decoder.decode(scratch, uid, Sandbox.SCRATCH + "/" + scratch.relativize(file), config.sampleFps(), config.frameWidth());
            if (request.outputDir() != null) {
              Files.createDirectories(request.outputDir());
              String ext = rel.endsWith(".png") ? ".png" : ".mp4";
              kept = request.outputDir().resolve(request.id() + ext);
              Files.copy(file, kept, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        status = RenderStatus.SANDBOX_ERROR;
        message = "reading the render's output failed: " + e.getMessage();
        frames = null;
      }
    }
    Integer line = res.hasNonNull("error_line") ? res.get("error_line").asInt() : null;
    return new RenderResult(request.id(), status, res.path("exception_type").asText(null), line, message, tail,
        res.path("scene").asText(null), kept, frames, res.path("duration_s").asDouble(),
        res.path("render_s").asDouble(), seconds(started), manimVersion,
        status == RenderStatus.RENDERED ? LayoutReport.fromJson(res.get("layout")) : null);
  }

  private JsonNode next(int timeoutSeconds) throws IOException {
    try {
      String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
      if (line == null || EOF.equals(line)) {
        return null;
      }
      return JSON.readTree(line);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for render worker " + index, e);
    }
  }

  private void pumpStdout() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      LOG.debug("render worker {} stdout closed: {}", index, e.getMessage());
    } finally {
      lines.add(EOF);
    }
  }

  private void pumpStderr() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (stderrTail) {
          stderrTail.addLast(line.length() > 500 ? line.substring(0, 500) : line);
          if (stderrTail.size() > 40) {
            stderrTail.removeFirst();
          }
        }
        LOG.debug("render worker {}: {}", index, line);
      }
    } catch (IOException e) {
      LOG.debug("render worker {} stderr closed: {}", index, e.getMessage());
    }
  }

  private String stderrSnapshot() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  private String exitCode() {
    try {
      return String.valueOf(process.exitValue());
    } catch (IllegalThreadStateException e) {
      return "none";
    }
  }

  /** Stops the worker for good and removes its scratch folder. */
  void closeAndClean() {
    close();
    FileTrees.deleteQuietly(scratch);
  }

  /** Kills the worker and every process under it. */
  void kill() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      try {
        stdin.write("{\"op\":\"exit\"}\n");
        stdin.flush();
        process.waitFor(3, TimeUnit.SECONDS);
      } catch (IOException e) {
        // already gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    kill();
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
