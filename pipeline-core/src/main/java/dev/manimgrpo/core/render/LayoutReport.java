package dev.manimgrpo.core.render;

/**
 * The layout of a rendered scene, read from the scene's own mobjects at every sampled frame
 * (not estimated from pixels): mobjects reaching outside the visible frame and outermost
 * text mobjects overlapping each other (by more than 10% of the smaller's box).
 *
 * @param applicable false for 3D scenes (bounding boxes are not what the camera shows) or
 *     when the probe could not read the scene
 * @param framesChecked sampled frames inspected
 * @param offscreenFrames frames where some mobject reached outside the frame
 * @param textOverlapFrames frames where some texts overlapped
 * @param maxOffscreenMobjects most off-screen top-level mobjects in one frame
 * @param maxTextOverlaps most overlapping text pairs in one frame
 * @param score {@code 1 - 0.5 * offscreenFrames / frames - 0.5 * textOverlapFrames / frames}, in
 *     [0, 1]; null when not applicable
 */
public record LayoutReport(boolean applicable, int framesChecked, int offscreenFrames, int textOverlapFrames,
    int maxOffscreenMobjects, int maxTextOverlaps, Double score) implements java.io.Serializable {

  /** Parses the worker's {@code layout} object; null when absent. */
  static LayoutReport fromJson(com.fasterxml.jackson.databind.JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return null;
    }
    return new LayoutReport(n.path("applicable").asBoolean(false), n.path("frames").asInt(),
        n.path("offscreen_frames").asInt(), n.path("text_overlap_frames").asInt(),
        n.path("max_offscreen_mobjects").asInt(), n.path("max_text_overlaps").asInt(),
        n.hasNonNull("score") ? n.get("score").asDouble() : null);
  }

  /** The worker's JSON form, for caches. */
  com.fasterxml.jackson.databind.node.ObjectNode toJson(com.fasterxml.jackson.databind.ObjectMapper json) {
    com.fasterxml.jackson.databind.node.ObjectNode n = json.createObjectNode()
        .put("applicable", applicable).put("frames", framesChecked).put("offscreen_frames", offscreenFrames)
        .put("text_overlap_frames", textOverlapFrames).put("max_offscreen_mobjects", maxOffscreenMobjects)
        .put("max_text_overlaps", maxTextOverlaps);
    if (score != null) {
      n.put("score", score);
    }
    return n;
  }
}
