package dev.manimgrpo.core.render;

import dev.manimgrpo.core.config.RenderConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-worker cgroups of one pool: each worker's sandbox tree (the worker and the render it
 * runs, one at a time) gets memory, process and CPU limits from cgroup v2 where the host
 * delegates it; elsewhere the limits stay the per-process rlimits plus the worker's own
 * watchdog over the render's tree, and {@link #describe()} says so and why.
 */
final class WorkerCgroups {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerCgroups.class);
  /** The warm worker (manim imported) and its LaTeX cache, on top of which a render gets render.memory-mb. */
  static final long WORKER_BASELINE_MB = 768;
  /** bwrap's init, the worker and its LaTeX helpers, beyond the render's own processes. */
  static final int WORKER_PROCESSES = 8;
  private static volatile CgroupV2Limits.Availability detected;

  private final CgroupV2Limits.Availability availability;
  private final CgroupV2Limits.Settings settings;
  private final String fallback;
  private String described;

  private WorkerCgroups(CgroupV2Limits.Availability availability, CgroupV2Limits.Settings settings, String fallback) {
    this.availability = availability;
    this.settings = settings;
    this.fallback = fallback;
  }

  /** The host's cgroup v2 support (detected once per JVM) with the limits {@code config} asks for. */
  static WorkerCgroups detect(RenderConfig config) {
    CgroupV2Limits.Availability a = detected;
    if (a == null) {
      a = CgroupV2Limits.detect();
      detected = a;
      if (!a.available()) {
        LOG.info("cgroup v2 limits per render tree not available: {}", a.reason());
      }
    }
    CgroupV2Limits.Settings s = settingsFor(config);
    return new WorkerCgroups(a, s, a.available() ? null : CgroupV2Limits.fallbackDescription(a.reason()));
  }

  /** What a worker's cgroup gets: render.memory-mb over the worker's baseline, render.max-processes, one CPU. */
  static CgroupV2Limits.Settings settingsFor(RenderConfig config) {
    return CgroupV2Limits.Settings.of(config.memoryMb(), WORKER_BASELINE_MB,
        config.maxProcesses() + WORKER_PROCESSES, 1.0);
  }

  /** No cgroups, for the stated reason. */
  static WorkerCgroups none(String reason) {
    return new WorkerCgroups(new CgroupV2Limits.Availability(false, null, reason), null, reason);
  }

  /** The cgroup of one worker, or null (no cgroup v2 here, or it could not be made: logged). */
  WorkerCgroup forWorker(String name) {
    if (!availability.available()) {
      return null;
    }
    try {
      CgroupV2Limits limits = CgroupV2Limits.open(availability, name);
      limits.apply(settings);
      synchronized (this) {
        described = limits.describe();
      }
      return new WorkerCgroup() {
        @Override
        public Path procsFile() {
          return limits.procsFile();
        }

        @Override
        public void close() {
          limits.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      LOG.warn("cgroup v2 for render worker {} could not be set up ({}); rlimits and the watchdog apply", name,
          e.getMessage());
      synchronized (this) {
        described = CgroupV2Limits.fallbackDescription(e.getMessage());
      }
      return null;
    }
  }

  /** One line: the cgroup limits in force, or the fallback and why. */
  synchronized String describe() {
    if (fallback != null) {
      return fallback;
    }
    return described != null ? "per-worker " + described : "cgroup v2 available, no worker yet";
  }
}
