package dev.manimgrpo.reward.rollout;

import dev.manimgrpo.core.config.RewardConfig;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.VideoFrames;
import dev.manimgrpo.reward.code.CodeReference;
import dev.manimgrpo.reward.code.CodeReward;
import dev.manimgrpo.reward.code.CodeRewardCalculator;
import dev.manimgrpo.reward.fused.FusedReward;
import dev.manimgrpo.reward.fused.RewardFusion;
import dev.manimgrpo.reward.visual.VisualSimilarity;
import dev.manimgrpo.reward.visual.VisualSimilarityOptions;
import dev.manimgrpo.reward.visual.VisualSimilarityScorer;

/**
 * Scores one rollout against its reference, every part at once: the code reward on the extracted
 * program, the visual similarity of its render against the reference render, the layout read in
 * the render worker, and the fused reward. Pure (no Spark, no I/O): the rollout job calls it inside
 * each task, where the frames already are, and {@code manim-grpo score} calls it on two files.
 */
public final class RolloutScorer {

  private final CodeRewardCalculator code;
  private final VisualSimilarityScorer visual;
  private final RewardFusion fusion;
  private final boolean layoutWeighted;

  public RolloutScorer(CodeRewardCalculator code, VisualSimilarityScorer visual, RewardFusion fusion,
      boolean layoutWeighted) {
    this.code = code;
    this.visual = visual;
    this.fusion = fusion;
    this.layoutWeighted = layoutWeighted;
  }

  /** The scorer of a configuration ({@code reward.*}), its models shared by the JVM. */
  public static RolloutScorer of(RewardConfig config) {
    return new RolloutScorer(RewardModels.codeCalculator(config.codebertModel()),
        RewardModels.visualScorer(config.clipModel(), VisualSimilarityOptions.of(config.visual())),
        RewardFusion.of(config), config.layoutWeight() > 0);
  }

  public VisualSimilarityScorer visualScorer() {
    return visual;
  }

  /** A reference prepared once for all the rollouts of its group. */
  public record Reference(CodeReference code, VisualSimilarityScorer.PreparedReference visual, int frames) {

    /** This reference for another group ({@link VisualSimilarityScorer.PreparedReference#forNewGroup}). */
    public Reference forNewGroup() {
      return visual == null ? this : new Reference(code, visual.forNewGroup(), frames);
    }

    /** Bytes of the reference frames its visual features were computed from (0 without a render). */
    public long frameBytes() {
      return visual == null ? 0 : visual.frameBytes();
    }
  }

  /**
   * @param referenceFrames the reference render's frames, or null when the reference did not render
   *     (then every rollout's visual part is 0 and says so)
   */
  public Reference prepare(String referenceCode, VideoFrames referenceFrames) {
    return new Reference(code.prepare(referenceCode),
        referenceFrames == null ? null : visual.prepare(referenceFrames),
        referenceFrames == null ? 0 : referenceFrames.count());
  }

  /**
   * One rollout's score.
   *
   * @param code the code reward of the extracted program
   * @param visual the visual similarity, or null when the candidate did not render or the reference has no frames
   * @param layout the layout score read in the worker, or null when not measured
   * @param fused the fused reward with its parts
   * @param seconds time spent scoring
   */
  public record Score(CodeReward code, VisualSimilarity visual, Double layout, FusedReward fused, double seconds) {}

  /** Scores a candidate program and its render (null when it was never rendered). */
  public Score score(Reference ref, String candidateCode, RenderResult render) {
    long t0 = System.nanoTime();
    CodeReward c = code.score(ref.code(), candidateCode == null ? "" : candidateCode);
    boolean rendered = render != null && render.succeeded();
    VisualSimilarity v = null;
    if (rendered && ref.visual() != null) {
      v = visual.score(ref.visual(), render.frames());
    }
    Double layout = rendered && render.layout() != null ? render.layout().score() : null;
    FusedReward f = fusion.fuse(c.textReward(), v == null ? 0.0 : v.score(), layoutWeighted ? layout : null,
        rendered);
    return new Score(c, v, layout, f, (System.nanoTime() - t0) / 1e9);
  }
}
