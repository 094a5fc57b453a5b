package dev.manimgrpo.jobs.eval;

import dev.manimgrpo.core.agent.ApiDoc;
import dev.manimgrpo.core.agent.docs.ManimApiIndex;
import dev.manimgrpo.core.agent.docs.Suggestion;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.RenderWorkerPool;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API search index of one executor JVM: opened once from the cache folder (built there once per
 * manim version, from a warm worker's listing of the installed manim) and shared by its tasks.
 */
final class ExecutorApiIndex {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorApiIndex.class);
  private static ManimApiIndex index;

  private ExecutorApiIndex() {}

  /** Closest real names for a missing one, or null when the configuration asks for none. */
  static BiFunction<String, Integer, List<ApiDoc>> search(PipelineConfig config, RenderWorkerPool pool) {
    ManimApiIndex ready = config.eval().suggestions() > 0 ? index(config, pool) : null;
    return ready == null ? null : (name, k) -> ready.closestNames(name, k).stream().map(Suggestion::entry).toList();
  }

  /** Entries about a task description, or null when the configuration asks for none. */
  static BiFunction<String, Integer, List<ApiDoc>> concepts(PipelineConfig config, RenderWorkerPool pool) {
    ManimApiIndex ready = config.eval().taskDocs() > 0 ? index(config, pool) : null;
    return ready == null ? null : (task, k) -> ready.searchConcepts(task, k).stream().map(Suggestion::entry).toList();
  }

  private static synchronized ManimApiIndex index(PipelineConfig config, RenderWorkerPool pool) {
    if (!config.eval().usesApiIndex()) {
      return null;
    }
    if (index == null || !index.manimVersion().equals(pool.manimVersion())) {
      if (index != null) {
        index.close();
      }
      index = ManimApiIndex.open(config.cache().resolvedDir(), pool.manimVersion(), pool::apiDump);
      LOG.info("manim API index ready: {} entries (manim {})", index.entries().size(), index.manimVersion());
    }
    return index;
  }
}
