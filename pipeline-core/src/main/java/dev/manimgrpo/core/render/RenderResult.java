package dev.manimgrpo.core.render;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The structured outcome of one render; never null, whatever went wrong.
 *
 * @param id the request's id
 * @param status what happened
 * @param exceptionType the Python exception's class name, when one was raised
 * @param errorLine line in the generated code where it was raised, when known
 * @param message a one-line explanation
 * @param stderrTail the last lines of the render's stderr (capped)
 * @param sceneName the Scene subclass that was rendered
 * @param videoFile the kept MP4 (or PNG for a still scene), when asked for and produced
 * @param frames frames sampled at the configured rate, when the render succeeded
 * @param durationSeconds length of the animation in scene time (0 for a still)
 * @param renderSeconds seconds spent rendering the scene in the sandbox
 * @param wallSeconds seconds the whole request took, decode included
 * @param manimVersion version of the manim that rendered it
 * @param layout the scene's layout as read in the reward profile, or null (video profile, failures)
 */
public record RenderResult(
    String id,
    RenderStatus status,
    String exceptionType,
    Integer errorLine,
    String message,
    List<String> stderrTail,
    String sceneName,
    Path videoFile,
    VideoFrames frames,
    double durationSeconds,
    double renderSeconds,
    double wallSeconds,
    String manimVersion,
    LayoutReport layout) {

  public RenderResult {
    Objects.requireNonNull(status, "status");
    stderrTail = stderrTail == null ? List.of() : List.copyOf(stderrTail);
    message = message == null ? "" : message;
  }

  /** A failure that never reached the code (no code, a sandbox fault). */
  public static RenderResult failure(String id, RenderStatus status, String message, String manimVersion, double wallSeconds) {
    return new RenderResult(id, status, null, null, message, List.of(), null, null, null, 0, 0, wallSeconds, manimVersion, null);
  }

  public boolean succeeded() {
    return status.succeeded();
  }

  /** stderr tail as one string, "NONE" when empty (the study's feedback convention). */
  public String stderrText() {
    return stderrTail.isEmpty() ? "NONE" : String.join("\n", stderrTail);
  }
}
