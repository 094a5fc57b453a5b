package dev.manimgrpo.core.render;

import java.util.Locale;

/** What happened to one render. Every render ends in exactly one of these. */
public enum RenderStatus {
  /** The scene rendered: a video, or a still image for a scene without animation. */
  RENDERED,
  /** The model output held no code to render. */
  NO_CODE,
  /** The code does not parse as Python. */
  SYNTAX_ERROR,
  /** The code raised while building or playing the scene. */
  RUNTIME_ERROR,
  /** The code defines no Scene subclass (or not the one asked for). */
  NO_SCENE,
  /** The code defines several Scene subclasses and none was named. */
  MULTIPLE_SCENES,
  /** The render passed its wall-clock limit and was killed with its whole process tree. */
  TIMEOUT,
  /** The render hit a CPU, memory, process or file-size limit. */
  RESOURCE_LIMIT,
  /** The sandbox or worker failed, not the code: a worker died, a decode failed. */
  SANDBOX_ERROR,
  /**
   * The render wrote to the worker's result pipe itself, or its report contradicts what the
   * worker saw (a forged or corrupted result). Never counts as rendered; analysts can count it
   * as a reward-hacking attempt.
   */
  TAMPERED;

  /** Lower-case name as used in the worker protocol and output tables. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; unknown names are sandbox errors rather than exceptions. */
  public static RenderStatus fromWire(String name) {
    if (name == null) {
      return SANDBOX_ERROR;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return SANDBOX_ERROR;
    }
  }

  public boolean succeeded() {
    return this == RENDERED;
  }
}
