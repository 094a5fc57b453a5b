package dev.manimgrpo.core.render;

/** Renders Manim code. Implementations never throw for bad code: they return a status. */
public interface RenderService extends AutoCloseable {

  /** Renders one request; blocks until it finishes, fails or times out. */
  RenderResult render(RenderRequest request);

  /** The manim version every result of this service carries. */
  String manimVersion();

  /** What this service's workers run; only a REFERENCE service may feed the reference cache. */
  default RenderPoolRole role() {
    return RenderPoolRole.CANDIDATE;
  }

  @Override
  void close();
}
