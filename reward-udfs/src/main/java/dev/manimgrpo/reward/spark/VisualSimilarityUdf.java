package dev.manimgrpo.reward.spark;

import dev.manimgrpo.core.render.VideoFrames;
import dev.manimgrpo.reward.visual.VisualSimilarity;
import dev.manimgrpo.reward.visual.VisualSimilarityOptions;
import dev.manimgrpo.reward.visual.VisualSimilarityScorer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code visual_similarity(candidate_frames BINARY, candidate_width INT, candidate_height INT,
 * reference_frames BINARY, reference_width INT, reference_height INT)}: R_visual and its parts
 * (content-aware score; the study's vs_study when {@code reward.visual.study} is on, else null; the
 * CLIP part when {@code reward.clip-model} is set, else null). Frames are 8-bit luma (grayscale),
 * row-major, one after another; the score is then colour-blind ({@code colour} is null).
 * {@code visual_similarity_yuv} takes the same arguments with three planes per frame (Y, Cb, Cr;
 * BT.601 full range, ffmpeg's {@code yuv444p}), as the render service produces them, and sees
 * colour. Null candidate frames are a failed render: score 0.
 */
public final class VisualSimilarityUdf implements UDF6<byte[], Integer, Integer, byte[], Integer, Integer, Row> {

  private static final long serialVersionUID = 1L;
  private static final int REFERENCE_CACHE = 64;
  /** Prepared references by content: a group's G rollouts share one, so it is prepared once. */
  private static final Map<String, VisualSimilarityScorer.PreparedReference> REFERENCES = new ConcurrentHashMap<>();

  public static final StructType RETURN_TYPE = new StructType()
      .add("visual_reward", DataTypes.DoubleType, false)
      .add("content_score", DataTypes.DoubleType, false)
      .add("vs_study", DataTypes.DoubleType, true)
      .add("clip_part", DataTypes.DoubleType, true)
      .add("study_vs", DataTypes.DoubleType, true)
      .add("foreground_ssim", DataTypes.DoubleType, false)
      .add("shape", DataTypes.DoubleType, false)
      .add("colour", DataTypes.DoubleType, true)
      .add("offset_x", DataTypes.IntegerType, false)
      .add("offset_y", DataTypes.IntegerType, false)
      .add("reference_frames", DataTypes.IntegerType, false)
      .add("candidate_frames", DataTypes.IntegerType, false)
      .add("method", DataTypes.StringType, false);

  private final String clipModel;
  private final VisualSimilarityOptions options;
  private final boolean yuv;

  /**
   * @param clipModel an ONNX image model, or "" for none
   * @param options how to compare (reward.visual.*)
   */
  public VisualSimilarityUdf(String clipModel, VisualSimilarityOptions options) {
    this(clipModel, options, false);
  }

  /** @param yuv whether frames come as three planes each (Y, Cb, Cr) rather than luma alone */
  public VisualSimilarityUdf(String clipModel, VisualSimilarityOptions options, boolean yuv) {
    this.clipModel = clipModel == null ? "" : clipModel;
    this.options = java.util.Objects.requireNonNull(options, "options");
    this.yuv = yuv;
  }

  private VideoFrames frames(int w, int h, byte[] bytes) {
    return yuv ? VideoFrames.ofYuv444(w, h, 5.0, bytes) : VideoFrames.ofRaw(w, h, 5.0, bytes);
  }

  @Override
  public Row call(byte[] cand, Integer cw, Integer ch, byte[] ref, Integer rw, Integer rh) {
    if (ref == null || rw == null || rh == null) {
      return null;
    }
    String scorerKey = clipModel + "\u0000" + options;
    VisualSimilarityScorer scorer = dev.manimgrpo.reward.rollout.RewardModels.visualScorer(clipModel, options);
    String key = scorerKey + "\u0000" + yuv + "\u0000" + rw + "x" + rh + "\u0000" + digest(ref);
    VisualSimilarityScorer.PreparedReference prepared = REFERENCES.get(key);
    if (prepared == null) {
      if (REFERENCES.size() >= REFERENCE_CACHE) {
        REFERENCES.clear();
      }
      prepared = scorer.prepare(frames(rw, rh, ref));
      REFERENCES.put(key, prepared);
    }
    VideoFrames candidate = cand == null || cw == null || ch == null ? null : frames(cw, ch, cand);
    VisualSimilarity v = scorer.score(prepared, candidate);
    return RowFactory.create(v.score(), v.contentScore(), v.vsStudy(), v.clipPart(), v.studyVs(), v.foregroundSsim(),
        v.shape(), v.colour(), v.offsetX(), v.offsetY(), v.referenceFrames(), v.candidateFrames(), v.method());
  }

  private static String digest(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
