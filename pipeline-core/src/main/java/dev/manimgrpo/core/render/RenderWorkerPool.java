package dev.manimgrpo.core.render;

import dev.manimgrpo.core.config.RenderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of warm sandboxed render workers, one per configured slot, of one {@link RenderPoolRole}. Callers on any thread
 * borrow a worker per render; a worker that died or hung is replaced before its slot is
 * used again, so one bad render never takes the pool down. Closing the pool (or the JVM
 * exiting) kills every worker and its process tree.
 */
public final class RenderWorkerPool implements RenderService {

  private static final Logger LOG = LoggerFactory.getLogger(RenderWorkerPool.class);
  /** Parsing a program or listing manim's API takes well under a second in a warm worker. */
  private static final int API_SECONDS = 30;

  private final RenderConfig config;
  private final ManimRuntime runtime;
  private final RenderPoolRole role;
  private final String limits;
  private final List<RenderWorker> all = new ArrayList<>();
  private final List<SandboxUids.Lease> uids = new ArrayList<>();
  private final BlockingQueue<RenderWorker> idle;
  private final SlotOccupancy occupancy;
  private final Thread shutdownHook;
  private volatile boolean closed;
  private int restarts;

  /** A pool for candidate (model-generated) code. See {@link #RenderWorkerPool(ManimRuntime, RenderConfig, Path, RenderPoolRole)}. */
  public RenderWorkerPool(ManimRuntime runtime, RenderConfig config, Path scratchBase) {
    this(runtime, config, scratchBase, RenderPoolRole.CANDIDATE);
  }

  /**
   * Starts the role's worker count ({@code render.workers}, or {@code render.reference-workers}
   * for references) in parallel and waits until all have imported manim.
   *
   * @param scratchBase host folder for the worker script and the seccomp filter (renders never
   *     see it writable; their own scratch is a tmpfs inside each sandbox)
   */
  public RenderWorkerPool(ManimRuntime runtime, RenderConfig config, Path scratchBase, RenderPoolRole role) {
    this(runtime, config, scratchBase, role, false);
  }

  /**
   * A pool whose workers run with the sandbox off (no namespaces, uid switch, seccomp, size
   * limits or watchdog; a throwaway host folder as scratch): only for the benchmark that
   * measures what the sandbox costs, on the bundled reference scenes. Never for model output.
   */
  public static RenderWorkerPool unsandboxedForBenchmark(ManimRuntime runtime, RenderConfig config, Path scratchBase) {
    return new RenderWorkerPool(runtime, config, scratchBase, RenderPoolRole.REFERENCE, true);
  }

  private RenderWorkerPool(ManimRuntime runtime, RenderConfig config, Path scratchBase, RenderPoolRole role,
      boolean unsandboxed) {
    this.config = config;
    this.runtime = runtime;
    this.role = role;
    int workers = role == RenderPoolRole.REFERENCE ? config.resolvedReferenceWorkers() : config.workers();
    this.idle = new ArrayBlockingQueue<>(workers);
    this.occupancy = new SlotOccupancy(workers);
    Sandbox sandbox = new Sandbox(runtime);
    String problem = sandbox.bwrapProblem();
    if (problem != null) {
      throw new IllegalStateException("render pool did not start: " + problem);
    }
    Path workerDir = installWorkerScript(scratchBase);
    Optional<SeccompFilter> filter = SeccompFilter.forThisMachine();
    Path seccomp = filter.map(f -> f.install(scratchBase)).orElse(null);
    WorkerCgroups cgroups = unsandboxed ? WorkerCgroups.none("sandbox off") : WorkerCgroups.detect(config);
    long pidTag = ProcessHandle.current().pid();
    for (int i = 0; i < workers; i++) {
      SandboxUids.Lease uid = SandboxUids.claim(config.sandboxUidBase());
      uids.add(uid);
      String name = "manim-grpo-" + pidTag + "-" + role.name().toLowerCase(java.util.Locale.ROOT) + "-" + i;
      all.add(new RenderWorker(i, uid.uid(), config, sandbox, workerDir, seccomp, cgroups.forWorker(name),
          unsandboxed ? scratchBase.resolve("unsandboxed-" + pidTag + "-" + i) : null));
    }
    this.limits = unsandboxed ? "sandbox off (benchmark only)"
        : (seccomp != null ? "seccomp filter (" + filter.get().arch() + ")" : "no seccomp filter (" + SeccompFilter.unavailableReason() + ")")
            + "; " + cgroups.describe();
    shutdownHook = new Thread(this::killAll, "render-pool-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    ExecutorService starter = Executors.newFixedThreadPool(all.size());
    try {
      List<Future<?>> started = new ArrayList<>();
      for (RenderWorker w : all) {
        started.add(starter.submit(() -> {
          w.start();
          return null;
        }));
      }
      for (Future<?> f : started) {
        f.get();
      }
    } catch (Exception e) {
      killAll();
      uids.forEach(SandboxUids.Lease::close);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String hint = String.valueOf(cause.getMessage()).contains("Cannot run program")
          ? " (is bubblewrap installed? apt-get install bubblewrap, or set runtime.bwrap to its path)" : "";
      throw new IllegalStateException("render pool did not start: " + cause.getMessage() + hint, cause);
    } finally {
      starter.shutdownNow();
    }
    idle.addAll(all);
    LOG.info("render pool ready: {} warm {} workers, manim {} ({} mode); limits: {}", all.size(),
        role.name().toLowerCase(java.util.Locale.ROOT), manimVersion(), runtime.mode().configName(), limits);
  }

  @Override
  public RenderResult render(RenderRequest request) {
    if (closed) {
      throw new IllegalStateException("render pool is closed");
    }
    if (request.code().isBlank()) {
      return RenderResult.failure(request.id(), RenderStatus.NO_CODE, "no code to render", manimVersion(), 0);
    }
    RenderWorker worker;
    try {
      worker = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RenderResult.failure(request.id(), RenderStatus.SANDBOX_ERROR, "interrupted waiting for a worker", manimVersion(), 0);
    }
    occupancy.started();
    try {
      if (!worker.alive()) {
        restart(worker);
      }
      return worker.render(request);
    } catch (IOException e) {
      return RenderResult.failure(request.id(), RenderStatus.SANDBOX_ERROR, "worker restart failed: " + e.getMessage(), manimVersion(), 0);
    } finally {
      occupancy.ended();
      idle.add(worker);
    }
  }

  /** How many workers have been rendering, over time since the pool started (a render held a worker from taking it to giving it back). */
  public SlotOccupancy.Reading occupancy() {
    return occupancy.read();
  }

  /**
   * The names {@code code} uses and the installed manim's documentation of each (RITL-DOC), read by a
   * warm worker's own process: the code is parsed there, never run. Empty when the worker failed
   * to answer (it is then replaced).
   */
  public java.util.Optional<dev.manimgrpo.core.agent.CodeDocs> apiDocs(String code) {
    return ask(RenderWorker.request("api_docs").put("code", code), API_SECONDS)
        .map(dev.manimgrpo.core.agent.CodeDocs::fromWorker);
  }

  /**
   * Every public class, function, constant, method and property of the installed manim, with
   * signatures and docstrings: the corpus of the API search index.
   */
  public java.util.List<dev.manimgrpo.core.agent.ApiDoc> apiDump() {
    com.fasterxml.jackson.databind.JsonNode reply = ask(RenderWorker.request("api_dump"), API_SECONDS)
        .orElseThrow(() -> new IllegalStateException("the render worker did not list manim's API"));
    return dev.manimgrpo.core.agent.CodeDocs.entries(reply.path("entries"));
  }

  private java.util.Optional<com.fasterxml.jackson.databind.JsonNode> ask(
      com.fasterxml.jackson.databind.node.ObjectNode request, int timeoutSeconds) {
    if (closed) {
      throw new IllegalStateException("render pool is closed");
    }
    RenderWorker worker;
    try {
      worker = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
    try {
      if (!worker.alive()) {
        restart(worker);
      }
      return java.util.Optional.ofNullable(worker.ask(request, timeoutSeconds));
    } catch (IOException e) {
      LOG.warn("render worker restart failed: {}", e.getMessage());
      return java.util.Optional.empty();
    } finally {
      idle.add(worker);
    }
  }

  private void restart(RenderWorker worker) throws IOException {
    synchronized (this) {
      restarts++;
    }
    LOG.warn("render worker (pid {}) is gone; starting a new one", worker.pid());
    worker.kill();
    worker.start();
  }

  /** How many times a dead worker was replaced. */
  public synchronized int restarts() {
    return restarts;
  }

  /** Process ids of the live workers (for leak checks and diagnostics). */
  public List<Long> workerPids() {
    List<Long> pids = new ArrayList<>();
    for (RenderWorker w : all) {
      if (w.alive()) {
        pids.add(w.pid());
      }
    }
    return pids;
  }

  @Override
  public String manimVersion() {
    return runtime.manimVersion();
  }

  public ManimRuntime runtime() {
    return runtime;
  }

  public RenderConfig config() {
    return config;
  }

  @Override
  public RenderPoolRole role() {
    return role;
  }

  /** The limits in force for this pool's renders, in one line (seccomp, cgroup v2 or the fallback). */
  public String limits() {
    return limits;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (RenderWorker w : all) {
      w.close();
    }
    uids.forEach(SandboxUids.Lease::close);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // JVM already shutting down: the hook runs anyway
    }
  }

  private void killAll() {
    for (RenderWorker w : all) {
      w.kill();
    }
  }

  /** SHA-256 of the worker script: part of every reference cache key. */
  public static String workerScriptDigest() {
    try (InputStream in = RenderWorkerPool.class.getResourceAsStream("manim_worker.py")) {
      if (in == null) {
        throw new IllegalStateException("manim_worker.py missing from the class path");
      }
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Copies the worker script out of the jar into {@code <base>/worker-<digest>/}, a folder the
   * sandbox user can read and renders see read-only; two script versions never share a folder.
   */
  static Path installWorkerScript(Path base) {
    Path dir = base.resolve("worker-" + workerScriptDigest().substring(0, 16));
    try (InputStream in = RenderWorkerPool.class.getResourceAsStream("manim_worker.py")) {
      if (in == null) {
        throw new IllegalStateException("manim_worker.py missing from the class path");
      }
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "manim_worker", ".tmp");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, dir.resolve("manim_worker.py"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install the render worker script in " + dir, e);
    }
  }
}
