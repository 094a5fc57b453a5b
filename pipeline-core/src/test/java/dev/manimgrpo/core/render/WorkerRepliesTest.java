package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RenderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host trusts nothing in a worker's reply: every field is checked before it reaches a row. */
class WorkerRepliesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RenderConfig CONFIG = PipelineConfig.defaults().render();
  /** The default reward frame size (render.frame-width = 214 at -ql: 214x120). */
  private static final int W = QualityPreset.of(CONFIG.quality()).frameSize(CONFIG.frameWidth())[0];
  private static final int H = QualityPreset.of(CONFIG.quality()).frameSize(CONFIG.frameWidth())[1];
  /** Bytes of one frame: luma, Cb and Cr planes. */
  private static final int FRAME = 3 * W * H;
  private static final String CODE = "from manim import *\nclass A(Scene):\n    def construct(self):\n        pass\n";

  private static ObjectNode rendered(int count) {
    ObjectNode res = JSON.createObjectNode().put("status", "rendered").put("scene", "A").put("duration_s", 2.0)
        .put("fps", 5.0).put("frame_width", W).put("frame_height", H).put("frame_count", count);
    res.putObject("layout").put("applicable", true).put("frames", count).put("offscreen_frames", 0)
        .put("text_overlap_frames", 0).put("max_offscreen_mobjects", 0).put("max_text_overlaps", 0).put("score", 1.0);
    return res;
  }

  private static RenderResult parse(ObjectNode res, byte[] frames) {
    return WorkerReplies.toResult(RenderRequest.frames("r", CODE), CONFIG, res,
        frames == null ? Map.of() : Map.of("frames", frames), "0.21.0", 1.0, null);
  }

  @Test
  void aWellFormedReplyBecomesARenderedResult() {
    byte[] planes = new byte[FRAME * 10];
    planes[FRAME + W * H] = 7; // frame 1's first Cb value
    RenderResult r = parse(rendered(10), planes);
    assertThat(r.status()).isEqualTo(RenderStatus.RENDERED);
    assertThat(r.frames().count()).isEqualTo(10);
    assertThat(r.frames().hasColour()).isTrue();
    assertThat(r.frames().chroma(1, 0, 0, 0)).isEqualTo(7);
    assertThat(r.frames().pixel(1, 0, 0)).isZero();
    assertThat(r.sceneName()).isEqualTo("A");
    assertThat(r.layout().score()).isEqualTo(1.0);
  }

  @Test
  void framesOfAnotherGeometryOrCountAreRefused() {
    ObjectNode wide = rendered(10).put("frame_width", 1920).put("frame_height", 1080);
    assertThat(parse(wide, new byte[3 * 1920 * 1080 * 10]).status()).isEqualTo(RenderStatus.SANDBOX_ERROR);
    RenderResult shortPayload = parse(rendered(10), new byte[FRAME * 9]);
    assertThat(parse(rendered(10), new byte[W * H * 10]).status()).as("luma alone, no colour planes")
        .isEqualTo(RenderStatus.SANDBOX_ERROR);
    assertThat(shortPayload.status()).isEqualTo(RenderStatus.SANDBOX_ERROR);
    assertThat(shortPayload.frames()).isNull();
    int tooMany = CONFIG.maxFrames() + 1;
    assertThat(parse(rendered(tooMany), new byte[16]).status()).isEqualTo(RenderStatus.SANDBOX_ERROR);
    assertThat(parse(rendered(10), null).message()).contains("no frames");
    assertThat(parse(rendered(10).put("fps", 15.0), new byte[FRAME * 10]).message()).contains("fps");
  }

  @Test
  void aMalformedLayoutOrSceneFailsTheRender() {
    ObjectNode badLayout = rendered(1);
    ((ObjectNode) badLayout.get("layout")).put("score", 7.0);
    assertThat(parse(badLayout, new byte[FRAME]).status()).isEqualTo(RenderStatus.SANDBOX_ERROR);
    assertThat(parse(rendered(1).put("scene", "../../etc"), new byte[FRAME]).status())
        .isEqualTo(RenderStatus.SANDBOX_ERROR);
  }

  @Test
  void unknownStatusesAreSandboxErrorsAndTamperingIsItsOwnStatus() {
    assertThat(parse(JSON.createObjectNode().put("status", "RENDERED!"), null).status()).isEqualTo(RenderStatus.SANDBOX_ERROR);
    assertThat(parse(JSON.createObjectNode(), null).message()).contains("no status");
    RenderResult t = parse(JSON.createObjectNode().put("status", "tampered").put("message", "a forged report"), null);
    assertThat(t.status()).isEqualTo(RenderStatus.TAMPERED);
    assertThat(t.succeeded()).isFalse();
  }

  @Test
  void textFieldsAreWhitelistedAndCapped() {
    ObjectNode res = JSON.createObjectNode().put("status", "runtime_error")
        .put("exception_type", "Evil\nType: <script>").put("error_line", 99).put("scene", "Good_Scene1")
        .put("message", "x".repeat(10_000));
    var tail = res.putArray("stderr_tail");
    for (int i = 0; i < 50; i++) {
      tail.add("line " + i + " " + "y".repeat(1000));
    }
    tail.add(42);
    RenderResult r = parse(res, null);
    assertThat(r.status()).isEqualTo(RenderStatus.RUNTIME_ERROR);
    assertThat(r.exceptionType()).isNull();
    assertThat(r.errorLine()).as("line 99 of a 4-line program").isNull();
    assertThat(r.sceneName()).as("the scene is kept on a failed row").isEqualTo("Good_Scene1");
    assertThat(r.message()).hasSize(WorkerReplies.MESSAGE_MAX_CHARS);
    assertThat(r.stderrTail()).hasSize(CONFIG.stderrLines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(500));
    assertThat(parse(JSON.createObjectNode().put("status", "runtime_error").put("exception_type", "manim.utils.Err")
        .put("error_line", 3), null)).satisfies(ok -> {
          assertThat(ok.exceptionType()).isEqualTo("manim.utils.Err");
          assertThat(ok.errorLine()).isEqualTo(3);
        });
  }

  @Test
  void qualityPresetsGiveTheGeometryBothSidesCompute() {
    assertThat(QualityPreset.of("low_quality").frameSize(0)).containsExactly(854, 480);
    assertThat(QualityPreset.of("low_quality").frameSize(427)).containsExactly(427, 240);
    assertThat(QualityPreset.of("low_quality").videoSize(107)).containsExactly(107, 60);
    assertThat(QualityPreset.of("high_quality").frameSize(0)).containsExactly(1920, 1080);
  }
}
