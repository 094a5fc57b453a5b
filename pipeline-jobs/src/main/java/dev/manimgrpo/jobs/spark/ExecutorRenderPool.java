package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.ReferenceRenderCache;
import dev.manimgrpo.core.render.RenderWorkerPool;

/**
 * The render pool and reference cache of one executor JVM, shared by all its tasks: the warm
 * workers are started once per executor, not per partition. Closed by the pool's shutdown
 * hook when the executor exits.
 */
public final class ExecutorRenderPool {

  private static RenderWorkerPool pool;
  private static ReferenceRenderCache cache;
  private static PipelineConfig owner;

  private ExecutorRenderPool() {}

  /** The executor's pool for {@code config}, started on first use. */
  public static synchronized RenderWorkerPool get(PipelineConfig config) {
    if (pool != null && !config.equals(owner)) {
      pool.close();
      pool = null;
      cache = null;
    }
    if (pool == null) {
      ManimRuntime runtime = ManimRuntime.locate(config.runtime());
      pool = new RenderWorkerPool(runtime, config.render(), config.render().resolvedScratchDir(config.cache()));
      owner = config;
    }
    return pool;
  }

  /** The executor's reference render cache over its pool. */
  public static synchronized ReferenceRenderCache referenceCache(PipelineConfig config) {
    RenderWorkerPool p = get(config);
    if (cache == null) {
      cache = new ReferenceRenderCache(config.cache().resolvedDir().resolve("reference-renders"), p, config.render());
    }
    return cache;
  }

  /** Stops the pool now (local runs call this at the end of a job). */
  public static synchronized void shutdown() {
    if (pool != null) {
      pool.close();
      pool = null;
      cache = null;
      owner = null;
    }
  }
}
