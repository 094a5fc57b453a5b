package dev.manimgrpo.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.manimgrpo.core.config.RenderConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a worker's reply into a {@link RenderResult}, trusting nothing in it: every field is
 * checked against a whitelist, a type and a size cap, and frames must have the geometry the
 * quality preset and sampling settings give. Values outside those are dropped (text) or make the
 * render a failure (status, frames). Pure: no I/O, tested on its own.
 */
final class WorkerReplies {

  static final int MESSAGE_MAX_CHARS = 2000;
  static final int LINE_MAX_CHARS = 500;
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,199}");
  private static final Pattern EXCEPTION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,199}");
  private static final Set<String> VIDEO_KINDS = Set.of("video", "image");

  private WorkerReplies() {}

  /**
   * The result of {@code request} from the worker's reply {@code res} and its payloads.
   *
   * @param keptVideo where the video payload was written on the host, or null
   */
  static RenderResult toResult(RenderRequest request, RenderConfig config, JsonNode res, Map<String, byte[]> blobs,
      String manimVersion, double wallSeconds, java.nio.file.Path keptVideo) {
    RenderStatus status = RenderStatus.fromWire(text(res, "status", 40));
    String message = text(res, "message", MESSAGE_MAX_CHARS);
    if (status == RenderStatus.SANDBOX_ERROR && !res.hasNonNull("status")) {
      message = "the worker's reply had no status";
    }
    String exception = matching(res, "exception_type", EXCEPTION_NAME);
    String scene = matching(res, "scene", IDENTIFIER);
    int codeLines = (int) request.code().lines().count() + 2;
    Integer line = res.path("error_line").canConvertToInt() && res.path("error_line").isIntegralNumber()
        && res.get("error_line").asInt() >= 1 && res.get("error_line").asInt() <= codeLines
        ? res.get("error_line").asInt() : null;
    List<String> tail = new ArrayList<>();
    for (JsonNode n : res.path("stderr_tail")) {
      if (tail.size() < config.stderrLines() && n.isTextual()) {
        tail.add(cap(n.asText(), LINE_MAX_CHARS));
      }
    }
    double duration = finiteNonNegative(res.path("duration_s"));
    double renderSeconds = finiteNonNegative(res.path("render_s"));
    VideoFrames frames = null;
    LayoutReport layout = null;
    if (status == RenderStatus.RENDERED) {
      String problem = null;
      try {
        frames = frames(request, config, res, blobs.get("frames"));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
      if (problem == null && request.profile() == RenderProfile.FRAMES) {
        layout = layout(res.get("layout"));
        if (layout == null) {
          problem = "the layout report is malformed";
        }
      }
      if (problem == null && request.profile() == RenderProfile.VIDEO
          && !VIDEO_KINDS.contains(res.path("video_kind").asText(""))) {
        problem = "no video kind";
      }
      if (problem == null && scene == null) {
        problem = "no scene name";
      }
      if (problem != null) {
        status = RenderStatus.SANDBOX_ERROR;
        message = "the worker's reply failed the host's checks: " + problem;
        frames = null;
        layout = null;
      }
    }
    return new RenderResult(request.id(), status, exception, line, message, tail, scene,
        status == RenderStatus.RENDERED ? keptVideo : null, frames, duration, renderSeconds, wallSeconds,
        manimVersion, layout);
  }

  /** Which video kind ({@code video} or {@code image}) a successful video-profile reply names. */
  static String videoKind(JsonNode res) {
    String kind = res.path("video_kind").asText("");
    return VIDEO_KINDS.contains(kind) ? kind : null;
  }

  private static VideoFrames frames(RenderRequest request, RenderConfig config, JsonNode res, byte[] raw) {
    if (raw == null) {
      throw new IllegalArgumentException("no frames");
    }
    QualityPreset q = QualityPreset.of(config.quality());
    int[] size = request.profile() == RenderProfile.FRAMES ? q.frameSize(config.frameWidth()) : q.videoSize(config.frameWidth());
    int w = res.path("frame_width").asInt(-1);
    int h = res.path("frame_height").asInt(-1);
    int count = res.path("frame_count").asInt(-1);
    if (w != size[0] || h != size[1]) {
      throw new IllegalArgumentException("frames of " + w + "x" + h + ", expected " + size[0] + "x" + size[1]);
    }
    if (count < 1 || count > config.maxFrames()) {
      throw new IllegalArgumentException(count + " frames, expected 1 to " + config.maxFrames());
    }
    double fps = res.path("fps").asDouble(-1);
    double expectedFps = request.profile() == RenderProfile.FRAMES
        ? (double) q.frameRate / Math.max(1, Math.rint(q.frameRate / config.sampleFps()))
        : config.sampleFps();
    if (Math.abs(fps - expectedFps) > 1e-9) {
      throw new IllegalArgumentException("frames at " + fps + " fps, expected " + expectedFps);
    }
    if ((long) 3 * w * h * count != raw.length) {
      throw new IllegalArgumentException(raw.length + " frame bytes, expected " + count + " frames of " + w + "x" + h
          + " in three planes (Y, Cb, Cr)");
    }
    return VideoFrames.ofYuv444(w, h, fps, raw);
  }

  private static LayoutReport layout(JsonNode n) {
    if (n == null || !n.isObject() || !n.path("applicable").isBoolean()) {
      return null;
    }
    for (String k : List.of("frames", "offscreen_frames", "text_overlap_frames", "max_offscreen_mobjects", "max_text_overlaps")) {
      if (!n.path(k).canConvertToInt() || !n.path(k).isIntegralNumber() || n.path(k).asInt() < 0) {
        return null;
      }
    }
    JsonNode score = n.get("score");
    if (score != null && !score.isNull() && (!score.isNumber() || score.asDouble() < 0 || score.asDouble() > 1)) {
      return null;
    }
    return LayoutReport.fromJson(n);
  }

  private static String text(JsonNode res, String field, int max) {
    JsonNode n = res.get(field);
    return n != null && n.isTextual() ? cap(n.asText(), max) : null;
  }

  private static String matching(JsonNode res, String field, Pattern p) {
    String s = text(res, field, 200);
    return s != null && p.matcher(s).matches() ? s : null;
  }

  private static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static double finiteNonNegative(JsonNode n) {
    double v = n.isNumber() ? n.asDouble() : 0;
    return Double.isFinite(v) && v >= 0 ? v : 0;
  }
}
