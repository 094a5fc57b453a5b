package dev.manimgrpo.core.agent;

import dev.manimgrpo.core.render.RenderWorkerPool;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * RITL-DOC's documentation from the installed manim itself: a warm render worker parses the program
 * (never runs it) and reads each name's live signature and docstring. Close real names for the
 * missing ones come from an optional API search.
 */
public final class WorkerApiDocs implements ApiDocsSource {

  private final RenderWorkerPool pool;
  private final BiFunction<String, Integer, List<ApiDoc>> search;
  private final BiFunction<String, Integer, List<ApiDoc>> concepts;

  /** @param search closest real names for a missing one, or null for none */
  public WorkerApiDocs(RenderWorkerPool pool, BiFunction<String, Integer, List<ApiDoc>> search) {
    this(pool, search, null);
  }

  /**
   * @param search closest real names for a missing one, or null for none
   * @param concepts entries about a task description, or null for none
   */
  public WorkerApiDocs(RenderWorkerPool pool, BiFunction<String, Integer, List<ApiDoc>> search,
      BiFunction<String, Integer, List<ApiDoc>> concepts) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.search = search;
    this.concepts = concepts;
  }

  @Override
  public List<ApiDoc> relatedToTask(String taskDescription, int k) {
    return concepts == null || k <= 0 ? List.of() : concepts.apply(taskDescription, k).stream().limit(k).toList();
  }

  @Override
  public CodeDocs docs(String code) {
    return pool.apiDocs(code).orElseGet(
        () -> new CodeDocs(List.of(), List.of(), List.of(), "the render worker did not answer the documentation request"));
  }

  @Override
  public List<ApiDoc> closestNames(String missingName, int k) {
    if (search == null || k <= 0) {
      return List.of();
    }
    return search.apply(missingName, k).stream().filter(d -> !d.name().equals(missingName)).limit(k).toList();
  }
}
