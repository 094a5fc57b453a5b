package dev.manimgrpo.core.agent.docs;

import java.util.List;
import java.util.Map;

/**
 * Names of older manim (3b1b's manimlib, early Community Edition) that models trained on old code
 * still write, with the current names that replaced them. Spelling cannot find these
 * ({@code ShowCreation} is nowhere near {@code Create}), so the API search asks this table first.
 * Every replacement is a real name of manim 0.21 (a test holds them to the installed API).
 */
public final class LegacyNames {

  public static final Map<String, List<String>> REPLACEMENTS = Map.ofEntries(
      Map.entry("ShowCreation", List.of("Create")),
      Map.entry("ShowCreationThenFadeOut", List.of("Create", "FadeOut")),
      Map.entry("TextMobject", List.of("Text", "Tex")),
      Map.entry("TexMobject", List.of("MathTex")),
      Map.entry("TexText", List.of("Tex")),
      Map.entry("OldTex", List.of("MathTex")),
      Map.entry("get_graph", List.of("CoordinateSystem.plot")),
      Map.entry("GraphScene", List.of("Axes")),
      Map.entry("FadeInFrom", List.of("FadeIn")),
      Map.entry("FadeInFromDown", List.of("FadeIn")),
      Map.entry("FadeInFromLarge", List.of("FadeIn")),
      Map.entry("FadeOutAndShift", List.of("FadeOut")),
      Map.entry("FadeOutAndShiftDown", List.of("FadeOut")),
      Map.entry("CircleIndicate", List.of("Circumscribe")),
      Map.entry("ShowPassingFlashAround", List.of("Circumscribe")),
      Map.entry("WiggleOutThenIn", List.of("Wiggle")),
      Map.entry("ParametricSurface", List.of("Surface")),
      Map.entry("ContinualAnimation", List.of("Mobject.add_updater")),
      Map.entry("DrawBorderThenFillIn", List.of("DrawBorderThenFill")));

  private LegacyNames() {}

  /** The current names that replaced {@code name}, or none. */
  public static List<String> replacements(String name) {
    return REPLACEMENTS.getOrDefault(name, List.of());
  }
}
