package dev.manimgrpo.core.config;

import java.nio.file.Path;

/** Render service settings. Units are in the names; see {@code render.*} in reference.yaml. */
public record RenderConfig(
    int workers,
    String quality,
    int timeoutSeconds,
    int cpuSeconds,
    int memoryMb,
    int maxProcesses,
    int maxFileMb,
    int stderrLines,
    double sampleFps,
    int frameWidth,
    int sandboxUidBase,
    int workerStartTimeoutSeconds,
    String scratchDir,
    int stallSeconds,
    int scratchMb,
    int maxFrames,
    int referenceWorkers,
    boolean latexFormats,
    boolean drawingShortcuts) implements java.io.Serializable {

  public RenderConfig {
    positive("render.workers", workers);
    positive("render.timeout-seconds", timeoutSeconds);
    positive("render.cpu-seconds", cpuSeconds);
    positive("render.memory-mb", memoryMb);
    positive("render.max-processes", maxProcesses);
    positive("render.max-file-mb", maxFileMb);
    positive("render.worker-start-timeout-seconds", workerStartTimeoutSeconds);
    positive("render.scratch-mb", scratchMb);
    positive("render.max-frames", maxFrames);
    if (stderrLines < 0) {
      throw new IllegalArgumentException("render.stderr-lines must be >= 0, got " + stderrLines);
    }
    if (stallSeconds < 0) {
      throw new IllegalArgumentException("render.stall-seconds must be >= 0 (0 = no stall watchdog), got " + stallSeconds);
    }
    if (referenceWorkers < 0) {
      throw new IllegalArgumentException("render.reference-workers must be >= 0 (0 = as many as render.workers), got "
          + referenceWorkers);
    }
    if (!(sampleFps > 0 && sampleFps <= 60)) {
      throw new IllegalArgumentException("render.sample-fps must be in (0, 60], got " + sampleFps);
    }
    if (frameWidth < 0) {
      throw new IllegalArgumentException("render.frame-width must be >= 0 (0 = full width), got " + frameWidth);
    }
    if (quality == null || !quality.matches("low_quality|medium_quality|high_quality|production_quality|fourk_quality|example_quality")) {
      throw new IllegalArgumentException("render.quality must be a Manim quality preset such as low_quality, got " + quality);
    }
    scratchDir = scratchDir == null ? "" : scratchDir;
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be > 0, got " + value);
    }
  }

  /** Host folder of the pools (worker script, seccomp filter): the configured one or {@code <cache>/scratch}. */
  public Path resolvedScratchDir(CacheConfig cache) {
    return scratchDir.isBlank() ? cache.resolvedDir().resolve("scratch") : Path.of(scratchDir);
  }

  /** Workers of a reference pool: {@code reference-workers}, or {@code workers} when 0. */
  public int resolvedReferenceWorkers() {
    return referenceWorkers > 0 ? referenceWorkers : workers;
  }

  /** A copy with another worker count. */
  public RenderConfig withWorkers(int n) {
    return new RenderConfig(n, quality, timeoutSeconds, cpuSeconds, memoryMb, maxProcesses, maxFileMb,
        stderrLines, sampleFps, frameWidth, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stallSeconds, scratchMb, maxFrames, referenceWorkers, latexFormats, drawingShortcuts);
  }

  /** A copy with another frame sampling rate. */
  public RenderConfig withSampleFps(double fps) {
    return new RenderConfig(workers, quality, timeoutSeconds, cpuSeconds, memoryMb, maxProcesses, maxFileMb,
        stderrLines, fps, frameWidth, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stallSeconds, scratchMb, maxFrames, referenceWorkers, latexFormats, drawingShortcuts);
  }

  /** A copy with another timeout (wall clock and CPU). */
  public RenderConfig withTimeoutSeconds(int seconds) {
    return new RenderConfig(workers, quality, seconds, seconds, memoryMb, maxProcesses, maxFileMb,
        stderrLines, sampleFps, frameWidth, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stallSeconds, scratchMb, maxFrames, referenceWorkers, latexFormats, drawingShortcuts);
  }

  /** A copy with other limits: wall-clock and CPU seconds, and the stall watchdog (0 = off). */
  public RenderConfig withLimits(int timeout, int cpu, int stall) {
    return new RenderConfig(workers, quality, timeout, cpu, memoryMb, maxProcesses, maxFileMb,
        stderrLines, sampleFps, frameWidth, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stall, scratchMb, maxFrames, referenceWorkers, latexFormats, drawingShortcuts);
  }

  /** A copy whose reward frames are {@code width} pixels wide (0: the preset's full width). */
  public RenderConfig withFrameWidth(int width) {
    return new RenderConfig(workers, quality, timeoutSeconds, cpuSeconds, memoryMb, maxProcesses, maxFileMb,
        stderrLines, sampleFps, width, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stallSeconds, scratchMb, maxFrames, referenceWorkers, latexFormats, drawingShortcuts);
  }

  /** A copy with another reference pool size (0: as many as render.workers). */
  public RenderConfig withReferenceWorkers(int n) {
    return new RenderConfig(workers, quality, timeoutSeconds, cpuSeconds, memoryMb, maxProcesses, maxFileMb,
        stderrLines, sampleFps, frameWidth, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stallSeconds, scratchMb, maxFrames, n, latexFormats, drawingShortcuts);
  }

  /** A copy that compiles LaTeX with (true) or without preloaded preamble formats. */
  public RenderConfig withLatexFormats(boolean on) {
    return new RenderConfig(workers, quality, timeoutSeconds, cpuSeconds, memoryMb, maxProcesses, maxFileMb,
        stderrLines, sampleFps, frameWidth, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stallSeconds, scratchMb, maxFrames, referenceWorkers, on, drawingShortcuts);
  }

  /** A copy that draws with (true) or without the worker's faster equivalents of manim's geometry queries. */
  public RenderConfig withDrawingShortcuts(boolean on) {
    return new RenderConfig(workers, quality, timeoutSeconds, cpuSeconds, memoryMb, maxProcesses, maxFileMb,
        stderrLines, sampleFps, frameWidth, sandboxUidBase, workerStartTimeoutSeconds, scratchDir,
        stallSeconds, scratchMb, maxFrames, referenceWorkers, latexFormats, on);
  }
}
