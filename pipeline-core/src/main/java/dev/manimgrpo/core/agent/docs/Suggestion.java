package dev.manimgrpo.core.agent.docs;

import dev.manimgrpo.core.agent.ApiDoc;
import java.util.Objects;

/**
 * One real API entry proposed by {@link ManimApiIndex}, with the score it was ranked by.
 *
 * @param entry the entry, always one of the index's
 * @param score for {@link ManimApiIndex#closestNames}, the name similarity in [0, 1] (1: the same name up to
 *     case and underscores); for {@link ManimApiIndex#searchConcepts}, Lucene's BM25 score, comparable only
 *     within one call
 */
public record Suggestion(ApiDoc entry, double score) {

  public Suggestion {
    Objects.requireNonNull(entry, "entry");
  }
}
