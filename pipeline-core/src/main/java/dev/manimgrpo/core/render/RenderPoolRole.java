package dev.manimgrpo.core.render;

/**
 * What a render pool's workers run. A worker that has run candidate code is never trusted with
 * a reference: references are rendered by a pool of their own, whose sandboxes use other uids,
 * so no rollout can influence a reference render or the cache entry it becomes.
 */
public enum RenderPoolRole {
  /** Model-generated code: rollouts, evaluation, {@code manim-grpo render}. */
  CANDIDATE(0),
  /** The data set's reference scenes, for the reference render cache. */
  REFERENCE(500);

  private final int uidOffset;

  RenderPoolRole(int uidOffset) {
    this.uidOffset = uidOffset;
  }

  /** Added to {@code render.sandbox-uid-base} so the two roles never share a sandbox uid. */
  public int uidOffset() {
    return uidOffset;
  }
}
