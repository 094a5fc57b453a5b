package dev.manimgrpo.core.agent.docs;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How task descriptions name manim's concepts when they do not use its words, and which of their words
 * carry no concept.
 *
 * <p>Why: a description says "a graph of sin x", "the equation appears", "a 3D surface", "the axis";
 * the API says {@code plot}, {@code MathTex}, {@code Create}, {@code ThreeDScene}, {@code Axes}. BM25
 * matches words, so without this list those entries are found only when their docstrings happen to use
 * the description's word. Each key maps to the API names it usually stands for, matched as whole names
 * (so "grow" adds {@code GrowFromCenter}, not everything with "center" in it); keys match after English
 * stemming, so "appears" and "appearing" count as "appear". A name missing from the installed manim
 * simply matches nothing. The stop words are narrative words that are also API name parts
 * ({@code from}, {@code one}, {@code scene}) and would otherwise pull in {@code ShowSubmobjectsOneByOne}
 * or every scene class for any description.
 */
final class ConceptVocabulary {

  /** Description word -> the API names it stands for. */
  static final Map<String, List<String>> ALIASES = Map.ofEntries(
      Map.entry("graph", List.of("plot")),
      Map.entry("chart", List.of("BarChart", "plot")),
      Map.entry("curve", List.of("plot", "ParametricFunction")),
      Map.entry("function", List.of("plot")),
      Map.entry("sin", List.of("plot")),
      Map.entry("sine", List.of("plot")),
      Map.entry("cos", List.of("plot")),
      Map.entry("cosine", List.of("plot")),
      Map.entry("parabola", List.of("plot")),
      Map.entry("draw", List.of("Create")),
      Map.entry("drawn", List.of("Create")),
      Map.entry("sketch", List.of("Create")),
      Map.entry("appear", List.of("Create", "FadeIn")),
      Map.entry("reveal", List.of("Create", "FadeIn")),
      Map.entry("introduce", List.of("Create", "FadeIn")),
      Map.entry("disappear", List.of("FadeOut", "Uncreate")),
      Map.entry("vanish", List.of("FadeOut", "Uncreate")),
      Map.entry("fade", List.of("FadeIn", "FadeOut")),
      Map.entry("equation", List.of("MathTex")),
      Map.entry("formula", List.of("MathTex")),
      Map.entry("expression", List.of("MathTex")),
      Map.entry("latex", List.of("MathTex", "Tex")),
      Map.entry("title", List.of("Text")),
      Map.entry("caption", List.of("Text")),
      Map.entry("word", List.of("Text")),
      Map.entry("sentence", List.of("Text")),
      Map.entry("move", List.of("shift", "move_to")),
      Map.entry("slide", List.of("shift")),
      Map.entry("travel", List.of("MoveAlongPath")),
      Map.entry("spin", List.of("Rotate")),
      Map.entry("turn", List.of("Rotate")),
      Map.entry("revolve", List.of("Rotate")),
      Map.entry("grow", List.of("GrowFromCenter")),
      Map.entry("expand", List.of("scale")),
      Map.entry("enlarge", List.of("scale")),
      Map.entry("shrink", List.of("scale")),
      Map.entry("highlight", List.of("Indicate", "Circumscribe", "SurroundingRectangle")),
      Map.entry("emphasize", List.of("Indicate", "Circumscribe")),
      Map.entry("emphasise", List.of("Indicate", "Circumscribe")),
      Map.entry("box", List.of("SurroundingRectangle")),
      Map.entry("morph", List.of("Transform", "ReplacementTransform")),
      Map.entry("become", List.of("Transform", "ReplacementTransform")),
      Map.entry("colour", List.of("set_color")),
      Map.entry("color", List.of("set_color")),
      Map.entry("axis", List.of("Axes")),
      Map.entry("coordinate", List.of("Axes", "NumberPlane")),
      Map.entry("grid", List.of("NumberPlane")),
      Map.entry("plane", List.of("NumberPlane")),
      Map.entry("3d", List.of("ThreeDScene", "ThreeDAxes")),
      Map.entry("camera", List.of("set_camera_orientation", "move_camera")),
      Map.entry("point", List.of("Dot")),
      Map.entry("vector", List.of("Arrow", "Vector")),
      Map.entry("bracket", List.of("Brace")),
      Map.entry("group", List.of("VGroup")),
      Map.entry("counter", List.of("ValueTracker", "DecimalNumber")),
      Map.entry("tracker", List.of("ValueTracker")),
      Map.entry("update", List.of("add_updater", "always_redraw")),
      Map.entry("trace", List.of("TracedPath")),
      Map.entry("zoom", List.of("MovingCameraScene", "ZoomedScene")),
      Map.entry("oval", List.of("Ellipse")),
      Map.entry("segment", List.of("Line")),
      Map.entry("pause", List.of("wait")));

  /** Narrative words that are also API name parts: dropped from descriptions before searching. */
  static final Set<String> STOP_WORDS = Set.of("one", "two", "another", "other", "each", "some", "all", "then",
      "first", "second", "next", "after", "before", "finally", "while", "which", "also", "very", "from", "onto",
      "its", "them", "has", "have", "make", "makes", "using", "use", "scene", "animation", "animate", "video",
      "screen", "object", "objects", "show", "shows", "display", "displays");

  private ConceptVocabulary() {}
}
