package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scores rendered candidates against a reference render: the content-aware score (the default
 * reward, {@link ContentSimilarity}), the study's SSIM part ({@link StudyVisualSimilarity}) and,
 * when an {@link ImageEmbedder} is given, the study's CLIP part ({@link ClipSimilarity}).
 *
 * <p>A reference is prepared once ({@link #prepare}) and reused for every rollout of its group.
 * A candidate of another frame size is first resized to the reference's ({@link FrameResizer}),
 * then both are brought to the working sizes; a
 * candidate with no frames (a failed render, null) scores 0, as in the study; so does a candidate
 * or a reference with zero frames. A still image (one frame) is a sequence of length one, which
 * DTW aligns with every frame of the other video. Both videos are assumed to be sampled at the
 * same rate (the render pool's {@code render.sample-fps}); a video longer than
 * {@link VisualSimilarityOptions#maxFrames()} is sampled down first. Thread-safe; the embedder must
 * be too.
 */
public final class VisualSimilarityScorer {

  private final VisualSimilarityOptions options;
  private final ImageEmbedder embedder;

  /**
   * @param options working resolutions
   * @param embedder the CLIP-style embedder, or null for none (the result then says the CLIP part is absent)
   */
  public VisualSimilarityScorer(VisualSimilarityOptions options, ImageEmbedder embedder) {
    this.options = Objects.requireNonNull(options, "options");
    this.embedder = embedder;
  }

  /** The downscaled defaults, without a CLIP part. */
  public static VisualSimilarityScorer defaults() {
    return new VisualSimilarityScorer(VisualSimilarityOptions.defaults(), null);
  }

  public VisualSimilarityOptions options() {
    return options;
  }

  /** Whether the CLIP part is computed. */
  public boolean clipPresent() {
    return embedder != null;
  }

  /** A reference ready to be compared with many candidates. */
  public static final class PreparedReference {
    final int width;
    final int height;
    final int count;
    final int framesCompared;
    final int[] workSize;
    final int[] studySize;
    final ContentSimilarity.Reference content;
    final SsimMatrix.Distinct study;
    final List<float[]> embeddings;

    private PreparedReference(VideoFrames frames, int originalCount, VisualSimilarityOptions options,
        ImageEmbedder embedder) {
      this.width = frames.width();
      this.height = frames.height();
      this.count = originalCount;
      this.framesCompared = frames.count();
      this.workSize = FrameResizer.workingSize(width, height, options.workWidth());
      this.studySize = options.study() ? FrameResizer.workingSize(width, height, options.studyWidth()) : new int[] {0, 0};
      if (count == 0) {
        content = null;
        study = null;
        embeddings = null;
        return;
      }
      this.content = ContentSimilarity.Reference.of(frames, workSize[0], workSize[1]);
      this.study = options.study()
          ? SsimMatrix.Distinct.of(FrameResizer.resize(frames, studySize[0], studySize[1]), Ssim.DEFAULT_WINDOW)
          : null;
      this.embeddings = embedder == null ? null : embed(embedder, frames);
    }

    private PreparedReference(PreparedReference of, ContentSimilarity.Reference content) {
      this.width = of.width;
      this.height = of.height;
      this.count = of.count;
      this.framesCompared = of.framesCompared;
      this.workSize = of.workSize;
      this.studySize = of.studySize;
      this.content = content;
      this.study = of.study;
      this.embeddings = of.embeddings;
    }

    /** Frames in the reference. */
    public int count() {
      return count;
    }

    /**
     * This reference for another group: the same features (they follow from the reference alone),
     * without the candidate frames an earlier group compared with it, so one group's score never
     * depends on what another group drew.
     */
    public PreparedReference forNewGroup() {
      return content == null ? this : new PreparedReference(this, content.forNewGroup());
    }

    /** Bytes of the frames compared (luma, and chroma where there is colour): what the features' size follows. */
    public long frameBytes() {
      if (content == null) {
        return 0;
      }
      VideoFrames f = content.frames();
      return (long) f.width() * f.height() * f.count() * (f.hasColour() ? 3 : 1);
    }
  }

  /** Prepares {@code reference} (a successful render; zero frames is allowed and scores every candidate 0). */
  public PreparedReference prepare(VideoFrames reference) {
    Objects.requireNonNull(reference, "reference");
    return new PreparedReference(capped(reference, options.maxFrames()), reference.count(), options, embedder);
  }

  /**
   * {@code video} with at most {@code max} frames: frame {@code k} of the result is frame
   * {@code floor(k * n / max)} of the original, evenly spread over its length.
   */
  static VideoFrames capped(VideoFrames video, int max) {
    int n = video.count();
    if (n <= max) {
      return video;
    }
    int[] picked = new int[max];
    for (int k = 0; k < max; k++) {
      picked[k] = (int) ((long) k * n / max);
    }
    return video.select(picked, video.fps() * max / n);
  }

  /** Scores {@code candidate} (null: the render failed) against a reference. */
  public VisualSimilarity score(VideoFrames reference, VideoFrames candidate) {
    return score(prepare(reference), candidate);
  }

  /** Scores {@code candidate} (null: the render failed) against a prepared reference. */
  public VisualSimilarity score(PreparedReference ref, VideoFrames candidate) {
    Objects.requireNonNull(ref, "ref");
    boolean clip = embedder != null;
    boolean study = options.study();
    int frames = candidate == null ? 0 : candidate.count();
    if (candidate == null) {
      return VisualSimilarity.nothing(VisualSimilarity.FAILED_RENDER, clip, study, ref.count, 0, ref.workSize[0], ref.studySize[0]);
    }
    if (ref.count == 0) {
      return VisualSimilarity.nothing(VisualSimilarity.EMPTY_REFERENCE, clip, study, 0, frames, ref.workSize[0], ref.studySize[0]);
    }
    if (frames == 0) {
      return VisualSimilarity.nothing(VisualSimilarity.EMPTY_CANDIDATE, clip, study, ref.count, 0, ref.workSize[0], ref.studySize[0]);
    }
    VideoFrames sized = FrameResizer.toSize(capped(candidate, options.maxFrames()), ref.width, ref.height);
    ContentSimilarity.Result content = ContentSimilarity.compare(ref.content, sized);
    Double vsStudy = null;
    if (study) {
      SsimMatrix.Distinct studyCand = SsimMatrix.Distinct.of(
          FrameResizer.resize(sized, ref.studySize[0], ref.studySize[1]), Ssim.DEFAULT_WINDOW);
      vsStudy = StudyVisualSimilarity.fromMatrix(SsimMatrix.of(ref.study, studyCand));
    }
    Double clipPart = null;
    Double studyVs = null;
    double score = content.score();
    if (clip) {
      clipPart = ClipSimilarity.score(ref.embeddings, embed(embedder, sized));
      studyVs = vsStudy == null ? null : ClipSimilarity.combine(vsStudy, clipPart);
      score = ClipSimilarity.combine(content.score(), clipPart);
    }
    String method = (clip ? "content+clip(" + embedder.name() + ")" : "content")
        + String.format(java.util.Locale.ROOT, "@%dx%d", ref.workSize[0], ref.workSize[1])
        + (Double.isNaN(content.colour()) ? ",luma-only" : "")
        + (study ? String.format(java.util.Locale.ROOT, ",study@%dx%d", ref.studySize[0], ref.studySize[1]) : "")
        + (frames > sized.count() || ref.count > ref.framesCompared
            ? ",frames-capped@" + options.maxFrames() : "");
    return new VisualSimilarity(Scores.unit(score), content.score(), vsStudy, clipPart, clip, studyVs,
        Scores.unit(content.unaligned()), Scores.unit(content.foregroundSsim()), Scores.unit(content.shape()),
        Double.isNaN(content.colour()) ? null : Scores.unit(content.colour()), content.offsetX(), content.offsetY(),
        Scores.unit(content.offsetPenalty()), content.pathLength(), ref.count, frames, ref.workSize[0],
        ref.studySize[0], method);
  }

  private static List<float[]> embed(ImageEmbedder embedder, VideoFrames frames) {
    List<float[]> out = new ArrayList<>(frames.count());
    for (int i = 0; i < frames.count(); i++) {
      out.add(embedder.embed(frames, i));
    }
    return out;
  }
}
