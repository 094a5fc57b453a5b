package dev.manimgrpo.core.render;

/**
 * What a render pool's workers run. A worker that has run candidate code is never trusted with
 * a reference: references are rendered by a pool of their own (and, like every worker, each of
 * its workers has a sandbox uid of its own, see {@link SandboxUids}), so no rollout can
 * influence a reference render or the cache entry it becomes.
 */
public enum RenderPoolRole {
  /** Model-generated code: rollouts, evaluation, {@code manim-grpo render}. */
  CANDIDATE,
  /** The data set's reference scenes, for the reference render cache. */
  REFERENCE
}
