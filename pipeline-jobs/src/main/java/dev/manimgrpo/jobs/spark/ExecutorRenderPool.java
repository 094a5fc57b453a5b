package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.ReferenceRenderCache;
import dev.manimgrpo.core.render.RenderPoolRole;
import dev.manimgrpo.core.render.RenderWorkerPool;

/**
 * The render pools and reference cache of one executor JVM, shared by all its tasks: the warm
 * workers are started once per executor, not per partition, each pool on first use. Candidate
 * code and reference scenes have pools of their own, so no rollout's render can influence a
 * reference or the cache entry it becomes. Closed by the pools' shutdown hooks when the
 * executor exits. Neither starts on a node that failed its preflight ({@link ExecutorPreflight}).
 */
public final class ExecutorRenderPool {

  private static RenderWorkerPool pool;
  private static RenderWorkerPool referencePool;
  private static ReferenceRenderCache cache;
  private static PipelineConfig owner;

  private ExecutorRenderPool() {}

  /** The executor's pool for candidate (model-generated) code under {@code config}, started on first use. */
  public static synchronized RenderWorkerPool get(PipelineConfig config) {
    ExecutorPreflight.requireOk();
    own(config);
    if (pool == null) {
      pool = new RenderWorkerPool(ManimRuntime.locate(config.runtime()), config.render(),
          config.render().resolvedScratchDir(config.cache()), RenderPoolRole.CANDIDATE);
    }
    return pool;
  }

  /** The executor's reference render cache, over a pool that only ever renders references. */
  public static synchronized ReferenceRenderCache referenceCache(PipelineConfig config) {
    ExecutorPreflight.requireOk();
    own(config);
    if (referencePool == null) {
      referencePool = new RenderWorkerPool(ManimRuntime.locate(config.runtime()), config.render(),
          config.render().resolvedScratchDir(config.cache()), RenderPoolRole.REFERENCE);
    }
    if (cache == null) {
      cache = new ReferenceRenderCache(config.cache().resolvedDir().resolve("reference-renders"), referencePool,
          config.render());
    }
    return cache;
  }

  /**
   * The reference cache this JVM already holds for {@code config}'s render set-up, without starting
   * anything: in local mode the driver shares the executor's JVM and can read its cache.
   */
  public static synchronized java.util.Optional<ReferenceRenderCache> existingReferenceCache(PipelineConfig config) {
    return cache != null && owner != null && sameRenderSetup(config, owner) ? java.util.Optional.of(cache)
        : java.util.Optional.empty();
  }

  /**
   * Another render set-up than the pools were started with (runtime, render or cache settings): stop
   * them, so they restart with it. Other settings (the run, the step, the policy) keep the warm pools.
   */
  private static void own(PipelineConfig config) {
    if (owner != null && !sameRenderSetup(config, owner)) {
      shutdown();
    }
    owner = config;
  }

  private static boolean sameRenderSetup(PipelineConfig a, PipelineConfig b) {
    return a.runtime().equals(b.runtime()) && a.render().equals(b.render()) && a.cache().equals(b.cache());
  }

  /** Stops the pools now (local runs call this at the end of a job). */
  public static synchronized void shutdown() {
    for (RenderWorkerPool p : new RenderWorkerPool[] {pool, referencePool}) {
      if (p != null) {
        p.close();
      }
    }
    pool = null;
    referencePool = null;
    cache = null;
    owner = null;
  }
}
