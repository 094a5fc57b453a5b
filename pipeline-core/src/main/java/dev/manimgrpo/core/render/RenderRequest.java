package dev.manimgrpo.core.render;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One render.
 *
 * @param id caller's identifier, echoed in the result
 * @param code a whole Python module ({@code from manim import *} and one Scene subclass)
 * @param sceneName the Scene subclass to render, or null to take the only one
 * @param profile what to produce
 * @param outputDir where a VIDEO render's file is kept (as {@code <id>.mp4|png}); null keeps none
 */
public record RenderRequest(String id, String code, String sceneName, RenderProfile profile, Path outputDir) {

  public RenderRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(profile, "profile");
  }

  /** A reward-profile render of {@code code}. */
  public static RenderRequest frames(String id, String code) {
    return new RenderRequest(id, code, null, RenderProfile.FRAMES, null);
  }

  /** A video render of {@code code} whose file is kept in {@code outputDir} (null: not kept). */
  public static RenderRequest video(String id, String code, Path outputDir) {
    return new RenderRequest(id, code, null, RenderProfile.VIDEO, outputDir);
  }
}
