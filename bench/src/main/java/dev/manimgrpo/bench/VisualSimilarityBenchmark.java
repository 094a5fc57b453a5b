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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The visual similarity of a pair of 10 s videos at 5 fps (50 frames of 854x480, Manim -ql):
 * SSIM matrices and DTW for the content-aware score and the study's vs_study. The videos are
 * drawn here (a bright disc and a bar moving over black, slightly differently in each), so the
 * benchmark needs no renderer. One operation is one rollout's R_visual.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class VisualSimilarityBenchmark {

  static final int W = 854;
  static final int H = 480;
  static final int FRAMES = 50;

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
    reference = draw(0);
    candidate = draw(7);
    prepared = scorer.prepare(reference);
    preparedWithStudy = withStudy.prepare(reference);
  }

  static VideoFrames draw(int shift) {
    byte[] g = new byte[FRAMES * W * H];
    for (int f = 0; f < FRAMES; f++) {
      int cx = 120 + f * 12 + shift;
      int cy = 240 + (int) (80 * Math.sin(f / 8.0));
      int off = f * W * H;
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int dx = x - cx;
          int dy = y - cy;
          if (dx * dx + dy * dy < 60 * 60) {
            g[off + y * W + x] = (byte) 200;
          } else if (y > 400 && y < 410 && x > 100 && x < 100 + f * 14 + shift) {
            g[off + y * W + x] = (byte) 255;
          }
        }
      }
    }
    return new VideoFrames(W, H, 5.0, FRAMES, g);
  }

  /** R_visual of one rollout as the reward stage computes it, the reference prepared once per group. */
  @Benchmark
  public double visualRewardPerRollout() {
    return scorer.score(prepared, candidate).score();
  }

  /** The same with the study's vs_study (427 px) as well, as evaluation computes it. */
  @Benchmark
  public double visualRewardAndStudyPerRollout() {
    return withStudy.score(preparedWithStudy, candidate).vsStudy();
  }
}
