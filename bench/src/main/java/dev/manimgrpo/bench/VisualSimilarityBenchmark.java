package dev.manimgrpo.bench;

import dev.manimgrpo.core.render.VideoFrames;
import dev.manimgrpo.reward.visual.VisualSimilarityOptions;
import dev.manimgrpo.reward.visual.VisualSimilarityScorer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The visual similarity of a pair of 10 s videos at 5 fps (50 frames): SSIM matrices and DTW for
 * the content-aware score and the study's vs_study. {@code frameWidth} is the reward frames' width:
 * 214 (render.frame-width's default: 214x120 with colour, as the reward profile draws them now) or
 * 854 (-ql's full 854x480 in gray, as it drew them before reward frames were drawn at the reward's
 * resolution). The videos are drawn here (a blue disc and an orange bar moving over black, slightly
 * differently in each), so the benchmark needs no renderer. One operation is one rollout's R_visual.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class VisualSimilarityBenchmark {

  static final int FRAMES = 50;

  @Param({"214", "854"})
  public int frameWidth;

  /** The reward stage's scorer: the defaults, the content-aware score alone. */
  private final VisualSimilarityScorer scorer = VisualSimilarityScorer.defaults();
  /** With the study's vs_study as well, as evaluation computes it. */
  private final VisualSimilarityScorer withStudy =
      new VisualSimilarityScorer(VisualSimilarityOptions.defaults().withStudy(true), null);
  private VideoFrames reference;
  private VideoFrames candidate;
  private VisualSimilarityScorer.PreparedReference prepared;
  private VisualSimilarityScorer.PreparedReference preparedWithStudy;

  @Setup
  public void setUp() {
    boolean colour = frameWidth < 854;
    reference = draw(0, frameWidth, colour);
    candidate = draw(7, frameWidth, colour);
    prepared = scorer.prepare(reference);
    preparedWithStudy = withStudy.prepare(reference);
  }

  /** The scene at {@code w} pixels wide (drawn in 854x480 coordinates, scaled). */
  static VideoFrames draw(int shift, int w, boolean colour) {
    int h = (int) Math.round(w * 480.0 / 854);
    double k = w / 854.0;
    int px = w * h;
    byte[] g = new byte[FRAMES * px];
    byte[] c = new byte[2 * FRAMES * px];
    java.util.Arrays.fill(c, (byte) 128);
    for (int f = 0; f < FRAMES; f++) {
      double cx = (120 + f * 12 + shift) * k;
      double cy = (240 + 80 * Math.sin(f / 8.0)) * k;
      double r = 60 * k;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double dx = x - cx;
          double dy = y - cy;
          int p = f * px + y * w + x;
          if (dx * dx + dy * dy < r * r) {
            set(g, c, f, px, p, 166, 159, 89); // Manim's BLUE
          } else if (y > 400 * k && y < 410 * k + 1 && x > 100 * k && x < (100 + f * 14 + shift) * k) {
            set(g, c, f, px, p, 160, 73, 198); // Manim's ORANGE
          }
        }
      }
    }
    return new VideoFrames(w, h, 5.0, FRAMES, g, colour ? c : null);
  }

  private static void set(byte[] g, byte[] c, int f, int px, int p, int y, int cb, int cr) {
    g[p] = (byte) y;
    int inFrame = p - f * px;
    c[2 * f * px + inFrame] = (byte) cb;
    c[(2 * f + 1) * px + inFrame] = (byte) cr;
  }

  /** R_visual of one rollout as the reward stage computes it, the reference prepared once per group. */
  @Benchmark
  public double visualRewardPerRollout() {
    return scorer.score(prepared, candidate).score();
  }

  /** The same with the study's vs_study as well (at 427 px, or the frames' width when narrower). */
  @Benchmark
  public double visualRewardAndStudyPerRollout() {
    return withStudy.score(preparedWithStudy, candidate).vsStudy();
  }
}
