package dev.manimgrpo.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.RenderConfig;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Everything of a render reaches the host through the worker's stdout: one JSON line, then
 * the binary payloads it announces (frames, and the video when it is kept), each bounded by the
 * configuration before it is read. The host opens no file a render could have chosen.
 */
final class RenderWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RenderWorker.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Extra seconds past the render timeout before the Java side gives up on the worker. */
  private static final int GRACE_SECONDS = 30;
  /** The worker may still decode a video (its own 120 s limit) after the render itself. */
  private static final int DECODE_SECONDS = 120;
  private static final int MAX_LINE_BYTES = 4 << 20;
  /** How often a waiting render looks whether its worker was stopped. */
  private static final long STOP_CHECK_MILLIS = 500;
  private static final Message EOF = new Message(null, Map.of());

  /** One message of the worker: its JSON head and the payloads that followed it. */
  record Message(JsonNode head, Map<String, byte[]> blobs) {}

  private final int index;
  private final int uid;
  private final RenderConfig config;
  private final Sandbox sandbox;
  private final Path workerDir;
  private final Path seccomp;
  private final WorkerCgroup cgroup;
  private final Path throwaway;
  /** The current process's messages; each start gets a new queue (see {@link #pumpStdout}). */
  private volatile BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private Process process;
  /** Host pid of the Python worker inside the sandbox (not bwrap's), or -1 when not found. */
  private long workerPid = -1;
  private BufferedWriter stdin;
  private String manimVersion;
  private double importSeconds;

  /**
   * @param seccomp the seccomp program file, or null where none is available
   * @param cgroup this worker's cgroup, or null without cgroup v2
   * @param throwaway non-null only for the benchmark's unsandboxed arm: its host folder
   */
  RenderWorker(int index, int uid, RenderConfig config, Sandbox sandbox, Path workerDir, Path seccomp,
      WorkerCgroup cgroup, Path throwaway) {
    this.index = index;
    this.uid = uid;
    this.config = config;
    this.sandbox = sandbox;
    this.workerDir = workerDir;
    this.seccomp = seccomp;
    this.cgroup = cgroup;
    this.throwaway = throwaway;
  }

  /** Starts the process and waits until it has imported manim. Each start is a fresh sandbox. */
  void start() throws IOException {
    String settings = JSON.writeValueAsString(JSON.createObjectNode().put("watchdog", throwaway == null));
    List<String> argv = List.of("python3", "-I", "-B", Sandbox.WORKER_DIR + "/manim_worker.py", settings);
    List<String> cmd;
    if (throwaway == null) {
      cmd = sandbox.workerCommand(workerDir, uid, config.scratchMb(), seccomp,
          cgroup == null ? null : cgroup.procsFile(), argv);
    } else {
      FileTrees.delete(throwaway);
      Files.createDirectories(throwaway.resolve("scratch"));
      Files.createDirectories(throwaway.resolve("tmp"));
      cmd = sandbox.unsandboxedWorkerCommand(workerDir, throwaway, argv);
    }
    // A new queue, not a cleared one: the stdout reader of a process killed just before may
    // still post its end-of-output, which in a shared queue this start would take for its own.
    messages = new LinkedBlockingQueue<>();
    process = ProcessLauncher.start(cmd);
    stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread out = new Thread(this::pumpStdout, "render-worker-" + index + "-out");
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(this::pumpStderr, "render-worker-" + index + "-err");
    err.setDaemon(true);
    err.start();
    Message ready = next(config.workerStartTimeoutSeconds());
    if (ready == null || !"ready".equals(ready.head().path("event").asText())) {
      String why = ready != null ? ready.head().toString()
          : alive() ? "no ready message within " + config.workerStartTimeoutSeconds() + " s"
          : "it exited with code " + exitCode() + " before it was ready";
      kill();
      throw new IOException("render worker " + index + " did not start (" + why + "); its stderr:\n" + stderrSnapshot());
    }
    workerPid = findWorkerPid();
    manimVersion = ready.head().path("manim_version").asText();
    importSeconds = ready.head().path("import_s").asDouble();
    LOG.debug("render worker {} ready: manim {} imported in {} s (pid {})", index, manimVersion,
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
        .put("stall_seconds", config.stallSeconds())
        .put("cpu_seconds", config.cpuSeconds())
        .put("memory_mb", config.memoryMb())
        // RLIMIT_NPROC counts every process of the uid on the host: it is only meaningful when
        // the sandbox runs as a uid of its own (JVM as root). Otherwise 0 = not set. The
        // watchdog's count of the render's own tree applies either way.
        .put("max_processes", Sandbox.jvmIsRoot() ? config.maxProcesses() : 0)
        .put("tree_max_processes", config.maxProcesses())
        .put("max_file_mb", config.maxFileMb())
        .put("max_frames", config.maxFrames())
        .put("keep_video", request.outputDir() != null)
        .put("stderr_lines", config.stderrLines())
        .put("latex_formats", config.latexFormats())
        .put("drawing_shortcuts", config.drawingShortcuts());
    if (request.sceneName() != null) {
      req.put("scene", request.sceneName());
    }
    Message res;
    try {
      stdin.write(JSON.writeValueAsString(req));
      stdin.write('\n');
      stdin.flush();
      res = awaitReply(config.timeoutSeconds() + GRACE_SECONDS + DECODE_SECONDS);
    } catch (IOException e) {
      res = null;
    }
    if (res == null || res.head().has("event")) {
      String why = res == null
          ? (workerStopped() ? "the render stopped its worker (SIGSTOP or the like), which then watched nothing"
              : alive() ? "worker stopped answering" : "worker died (exit " + exitCode() + ")")
          : "unexpected worker message " + res.head();
      kill();
      return RenderResult.failure(request.id(), RenderStatus.SANDBOX_ERROR, why + "; worker restarted",
          manimVersion, seconds(started));
    }
    if (res.head().path("restart").asBoolean(false)) {
      // The render left something the worker could not remove: a fresh sandbox for the next one.
      kill();
    }
    Path kept = null;
    String kind = WorkerReplies.videoKind(res.head());
    byte[] video = res.blobs().get("video");
    if (request.outputDir() != null && video != null && kind != null
        && RenderStatus.fromWire(res.head().path("status").asText()) == RenderStatus.RENDERED) {
      try {
        kept = keep(request, video, kind);
      } catch (IOException e) {
        return RenderResult.failure(request.id(), RenderStatus.SANDBOX_ERROR,
            "cannot write the video to " + request.outputDir() + ": " + e.getMessage(), manimVersion, seconds(started));
      }
    }
    return WorkerReplies.toResult(request, config, res.head(), res.blobs(), manimVersion, seconds(started), kept);
  }

  /**
   * A request other than a render ({@code api_docs}, {@code api_dump}), answered by the worker's own
   * process: its reply, or null when the worker died or did not answer in time (it is then killed,
   * and the pool restarts it for the next request).
   */
  JsonNode ask(ObjectNode request, int timeoutSeconds) {
    Message res;
    try {
      stdin.write(JSON.writeValueAsString(request));
      stdin.write('\n');
      stdin.flush();
      res = awaitReply(timeoutSeconds);
    } catch (IOException e) {
      res = null;
    }
    if (res == null || res.head().has("event") || !res.blobs().isEmpty()) {
      kill();
      return null;
    }
    return res.head();
  }

  /** A request object for {@link #ask}. */
  static ObjectNode request(String op) {
    return JSON.createObjectNode().put("op", op);
  }

  /** Writes the video the worker sent (bytes, never a path) as {@code <outputDir>/<id>.mp4|png}. */
  private static Path keep(RenderRequest request, byte[] video, String kind) throws IOException {
    Files.createDirectories(request.outputDir());
    Path kept = request.outputDir().resolve(request.id() + ("image".equals(kind) ? ".png" : ".mp4"));
    Path tmp = Files.createTempFile(request.outputDir(), ".video-", ".tmp");
    Files.write(tmp, video);
    Files.move(tmp, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return kept;
  }

  /**
   * The reply to a render, or null when the worker died, stopped, or passed the deadline.
   *
   * <p>The render runs as the worker's uid, so it may stop the worker (SIGSTOP, SIGTSTP, or all
   * its uid's processes at once with kill(-1)). A stopped worker's watchdog counts nothing: the
   * render would have this whole wait, past its own timeout, and a tree that only rlimits
   * bound. So the worker's state is looked at twice a second, and a stopped worker is given up
   * as a hung one is.
   */
  private Message awaitReply(int timeoutSeconds) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    BlockingQueue<Message> queue = messages;
    while (true) {
      Message m;
      try {
        m = queue.poll(STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for render worker " + index, e);
      }
      if (m != null) {
        return m == EOF ? null : m;
      }
      if (workerStopped() || System.nanoTime() - deadline > 0) {
        return null;
      }
    }
  }

  /** Whether the Python worker is stopped (state T, or t under a tracer), from its /proc stat. */
  private boolean workerStopped() {
    if (workerPid < 0) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(workerPid), "stat"));
      String rest = stat.substring(stat.lastIndexOf(')') + 1).trim();
      return rest.startsWith("T") || rest.startsWith("t");
    } catch (IOException | RuntimeException e) {
      return false; // gone: the wait sees its end of output
    }
  }

  /**
   * The process of the sandbox that runs the worker script, not bubblewrap (whose own command
   * line names the script too); the oldest one, renders being its later forks.
   */
  private long findWorkerPid() {
    return process.descendants()
        .filter(p -> {
          String line = p.info().commandLine().orElse("");
          return line.contains("/manim_worker.py") && !line.split(" ", 2)[0].endsWith("bwrap");
        })
        .min(java.util.Comparator.comparing(p -> p.info().startInstant().orElse(java.time.Instant.MAX)))
        .map(ProcessHandle::pid)
        .orElse(-1L);
  }

  private Message next(int timeoutSeconds) throws IOException {
    try {
      Message m = messages.poll(timeoutSeconds, TimeUnit.SECONDS);
      return m == null || m == EOF ? null : m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for render worker " + index, e);
    }
  }

  /** Payload size caps: what the configuration allows, so a confused worker cannot exhaust the heap. */
  private long blobCap(String name) {
    QualityPreset q = QualityPreset.of(config.quality());
    int[] size = q.frameSize(config.frameWidth());
    int[] video = q.videoSize(config.frameWidth());
    long frames = (long) config.maxFrames() * Math.max((long) size[0] * size[1], (long) video[0] * video[1]);
    return switch (name) {
      case "frames" -> frames;
      case "video" -> config.maxFileMb() * 1024L * 1024L;
      default -> -1;
    };
  }

  private void pumpStdout() {
    BlockingQueue<Message> messages = this.messages; // this process's queue, whatever starts later
    try (InputStream in = new BufferedInputStream(process.getInputStream(), 1 << 16)) {
      byte[] line;
      while ((line = readLine(in)) != null) {
        JsonNode head = JSON.readTree(line);
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (JsonNode b : head.path("blobs")) {
          String name = b.path(0).asText();
          long size = b.path(1).asLong(-1);
          if (size < 0 || size > blobCap(name) || blobs.containsKey(name)) {
            throw new IOException("worker announced a payload '" + name + "' of " + size + " bytes (cap "
                + blobCap(name) + ")");
          }
          byte[] data = in.readNBytes((int) size);
          if (data.length != size) {
            throw new IOException("worker output ended inside payload '" + name + "'");
          }
          blobs.put(name, data);
        }
        messages.add(new Message(head, blobs));
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("render worker {} stdout closed: {}", index, e.getMessage());
    } finally {
      messages.add(EOF);
    }
  }

  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        return line.toByteArray();
      }
      if (line.size() >= MAX_LINE_BYTES) {
        throw new IOException("worker line longer than " + MAX_LINE_BYTES + " bytes");
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toByteArray();
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

  /** Kills the worker and every process under it (its sandbox, and with it its tmpfs, goes too). */
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
    if (cgroup != null) {
      cgroup.close();
    }
    if (throwaway != null) {
      FileTrees.deleteQuietly(throwaway);
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
