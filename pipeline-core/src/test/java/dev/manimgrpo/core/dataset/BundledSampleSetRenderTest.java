package dev.manimgrpo.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.render.FrameComparison;
import dev.manimgrpo.core.render.ManimRuntimeFixture;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderStatus;
import dev.manimgrpo.core.render.RenderWorkerPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bundled reference scene renders under the provisioned manim, as a video and in the
 * reward profile, and the reward profile's frames are the video's frames at the same
 * timestamps (pixel-level, with a tolerance for H.264 loss and for the scaler: the video is
 * drawn at -ql's 854 px and scaled to render.frame-width, the reward frames are drawn at it).
 */
@Tag("manim")
class BundledSampleSetRenderTest {

  /**
   * Mean |difference| over a whole scene, 0..255, between reward frames and frames decoded
   * from the H.264 video. Measured here: below 1.0 for most scenes, up to about 3.3 for
   * scenes of dense one-pixel lines (a NumberPlane being sheared, a zoomed grid), which
   * -ql's encoder blurs. The exact check is the 15 fps comparison below.
   */
  static final double MAX_MEAN_ABS_ERROR = 4.5;
  /** The same for the worst single frame (measured up to about 8.9). */
  static final double MAX_FRAME_MEAN_ABS_ERROR = 12.0;

  /**
   * Scenes whose updaters keep state from call to call: a {@code TracedPath} adds a point per call,
   * and a {@code dt} rotation accumulates its angle in floating point. The reward profile computes
   * only the frames it draws, so these updaters see the elapsed time in one step, and the drawn
   * frames are close to, not bit-equal to, those of a render that computes every frame. Every other
   * scene's must be equal.
   */
  static final java.util.Set<String> STATEFUL_UPDATERS =
      java.util.Set.of("intermediate_06_dot_along_curve", "intermediate_13_clock_hand");
  /** Mean |difference| allowed for those, 0..255. */
  static final double MAX_STATEFUL_MEAN_ABS_ERROR = 1.0;

  @TempDir Path dir;

  static dev.manimgrpo.core.render.VideoFrames everyThird(dev.manimgrpo.core.render.VideoFrames f) {
    int[] picked = new int[(f.count() + 2) / 3];
    for (int i = 0; i < picked.length; i++) {
      picked[i] = 3 * i;
    }
    return f.select(picked, f.fps() / 3);
  }

  record Outcome(BundledSampleSet.Entry entry, RenderResult video, RenderResult frames, RenderResult allFrames) {}

  @Test
  void everyReferenceRendersAndRewardFramesMatchTheVideo() throws Exception {
    List<BundledSampleSet.Entry> entries = BundledSampleSet.entries();
    List<Outcome> outcomes = new ArrayList<>();
    var render = ManimRuntimeFixture.config().render();
    try (RenderWorkerPool pool = ManimRuntimeFixture.pool(render.withWorkers(2), dir.resolve("s"));
         RenderWorkerPool everyFrame = ManimRuntimeFixture.pool(render.withWorkers(1).withSampleFps(15), dir.resolve("s15"))) {
      ExecutorService threads = Executors.newFixedThreadPool(2);
      List<Future<Outcome>> futures = new ArrayList<>();
      for (BundledSampleSet.Entry e : entries) {
        futures.add(threads.submit(() -> new Outcome(e,
            pool.render(RenderRequest.video(e.name(), e.code(), dir.resolve("videos"))),
            pool.render(RenderRequest.frames(e.name(), e.code())),
            everyFrame.render(RenderRequest.frames(e.name(), e.code())))));
      }
      for (Future<Outcome> f : futures) {
        outcomes.add(f.get());
      }
      threads.shutdown();
    }
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-38s %8s %7s %7s %8s %8s%n",
        "scene", "video s", "frames", "reward", "mae", "worst"));
    for (Outcome o : outcomes) {
      if (o.video().frames() != null && o.frames().frames() != null) {
        FrameComparison c = FrameComparison.of(o.video().frames(), o.frames().frames());
        table.append(String.format(Locale.ROOT, "%-38s %8.3f %7d %7d %8.3f %8.3f%n", o.entry().name(),
            o.video().durationSeconds(), o.video().frames().count(), o.frames().frames().count(),
            c.meanAbsoluteError(), c.worstFrameMeanAbsoluteError()));
      }
    }
    System.out.print(table);
    for (Outcome o : outcomes) {
      String name = o.entry().name();
      assertThat(o.video().status()).as(name + ": " + o.video().message() + "\n" + o.video().stderrText())
          .isEqualTo(RenderStatus.RENDERED);
      assertThat(o.frames().status()).as(name + ": " + o.frames().message() + "\n" + o.frames().stderrText())
          .isEqualTo(RenderStatus.RENDERED);
      assertThat(Files.size(o.video().videoFile())).as(name).isGreaterThan(500);
      assertThat(o.frames().durationSeconds()).as(name + " duration").isEqualTo(o.video().durationSeconds());
      FrameComparison cmp = FrameComparison.of(o.video().frames(), o.frames().frames());
      assertThat(cmp.countDifference()).as(name + " frame count").isZero();
      // Exact: computing and drawing every 15 fps frame and keeping every third gives the same
      // pixels as the reward profile, which only computes and draws the kept ones.
      assertThat(o.allFrames().status()).isEqualTo(RenderStatus.RENDERED);
      dev.manimgrpo.core.render.VideoFrames sampled = everyThird(o.allFrames().frames());
      if (STATEFUL_UPDATERS.contains(name)) {
        FrameComparison close = FrameComparison.of(sampled, o.frames().frames());
        System.out.printf(Locale.ROOT, "%s: reward frames vs every third frame computed: mean |diff| %.3f%n", name,
            close.meanAbsoluteError());
        assertThat(close.countDifference()).as(name + " frame count").isZero();
        assertThat(close.meanAbsoluteError()).as(name + " sampled frames are close to the drawn frames")
            .isLessThan(MAX_STATEFUL_MEAN_ABS_ERROR);
      } else {
        assertThat(sampled.gray()).as(name + " sampled frames are the drawn frames")
            .isEqualTo(o.frames().frames().gray());
        assertThat(sampled.chroma()).as(name + " and so is their colour").isEqualTo(o.frames().frames().chroma());
      }
      assertThat(cmp.meanAbsoluteError()).as(name + " mean |diff|").isLessThan(MAX_MEAN_ABS_ERROR);
      assertThat(cmp.worstFrameMeanAbsoluteError()).as(name + " worst frame |diff|").isLessThan(MAX_FRAME_MEAN_ABS_ERROR);
      if (o.entry().code().contains("self.play") || o.entry().code().contains("self.wait")) {
        assertThat(o.video().videoFile().toString()).as(name).endsWith(".mp4");
        assertThat(o.video().durationSeconds()).as(name).isBetween(2.0, 6.5);
      } else {
        assertThat(o.video().videoFile().toString()).as(name + " is a still").endsWith(".png");
        assertThat(o.frames().frames().count()).isEqualTo(1);
      }
    }
  }
}
