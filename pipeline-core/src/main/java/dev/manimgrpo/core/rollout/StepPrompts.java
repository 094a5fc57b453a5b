package dev.manimgrpo.core.rollout;

import dev.manimgrpo.core.policy.RolloutSeeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which prompts a step samples, and in what order: all of them in data set order, or, with
 * {@code rollout.prompts-per-step}, a shuffle that is a function of (seed, step) alone. A rerun of
 * the step draws the same prompts; dynamic sampling's extra rounds continue down the same order.
 */
public final class StepPrompts {

  private StepPrompts() {}

  /**
   * The step's prompt order.
   *
   * @param prompts the data set selection, in its stable (sample id) order
   * @param shuffle whether a subset is drawn (prompts-per-step set), else the data set order is kept
   */
  public static <T> List<T> order(List<T> prompts, long seed, int step, boolean shuffle) {
    List<T> out = new ArrayList<>(prompts);
    if (shuffle) {
      Collections.shuffle(out, new Random(RolloutSeeds.promptDraw(seed, step, 0)));
    }
    return out;
  }
}
