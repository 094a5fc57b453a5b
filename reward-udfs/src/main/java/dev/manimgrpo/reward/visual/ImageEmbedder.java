package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;

/**
 * Turns one frame into an image embedding, for the study's optional CLIP part of visual
 * similarity ({@link ClipSimilarity}). The study uses CLIP ViT-L/14; no such model ships with this
 * project, so the CLIP part is only computed when a caller supplies an embedder.
 */
public interface ImageEmbedder {

  /**
   * The embedding of frame {@code index} of {@code video}, L2-normalised ({@code |e| = 1}); every
   * frame of one embedder has the same dimension. Callers re-normalise defensively.
   */
  float[] embed(VideoFrames video, int index);

  /** A short name for the result's method string, e.g. {@code clip-vit-l-14}. */
  default String name() {
    return getClass().getSimpleName();
  }
}
