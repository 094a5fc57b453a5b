package dev.manimgrpo.reward.visual;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a reference scene's code into the candidates the visual-similarity tests compare with
 * it. Related variants change the reference a little; negatives carry (almost) nothing of it.
 *
 * <ul>
 *   <li>{@link Kind#REMOVED}: the last top-level {@code self.play(...)} of {@code construct} is
 *       replaced by a wait of the same length (its element never appears, or its change never
 *       happens); a still scene drops the last mobject of its last multi-argument
 *       {@code self.add(...)};</li>
 *   <li>{@link Kind#SHIFTED}: the camera's frame centre moves by (0.5, 0.3) scene units before
 *       {@code construct}, so everything shows about 30 px left and 18 px lower at 854x480;</li>
 *   <li>{@link Kind#RECOLOURED}: colour constants are swapped for others of about the same
 *       luma, so that only colour tells them apart: BLUE and GREEN (luma 167 and 164), RED and
 *       PURPLE (143, 133), TEAL and ORANGE (170, 160), PINK and MAROON (126, 128), shades kept;
 *       YELLOW becomes LIGHTER_GRAY (214, 221) and GOLD LIGHT_GRAY (184, 187);</li>
 *   <li>{@link Kind#STRETCHED}: every {@code play} and {@code wait} runs 1.5 times as long
 *       ({@code Scene.play} patched to scale each animation's {@code run_time});</li>
 *   <li>{@link Kind#BLANK}, {@link Kind#TEXT}, {@link Kind#CIRCLE}: an empty scene, a static
 *       {@code Text("Hello")}, a static {@code Circle()}, held for the reference's duration.</li>
 * </ul>
 */
final class SceneVariants {

  enum Kind {
    REMOVED, SHIFTED, RECOLOURED, STRETCHED, BLANK, TEXT, CIRCLE;

    boolean related() {
      return ordinal() <= STRETCHED.ordinal();
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final double STRETCH = 1.5;
  private static final Pattern CLASS = Pattern.compile("(?m)^class\\s+(\\w+)\\s*\\(");
  private static final Pattern COLOUR = Pattern.compile(
      "\\b(BLUE|YELLOW|RED|TEAL|GREEN|PURPLE|GOLD|MAROON|ORANGE|PINK)(_[A-E])?\\b");
  private static final Map<String, String> SWAP = Map.of("BLUE", "GREEN", "GREEN", "BLUE", "RED", "PURPLE",
      "PURPLE", "RED", "TEAL", "ORANGE", "ORANGE", "TEAL", "PINK", "MAROON", "MAROON", "PINK");
  /** Colours that become a gray of about their luma (grays have no shades: the shade is dropped). */
  private static final Map<String, String> TO_GRAY = Map.of("YELLOW", "LIGHTER_GRAY", "GOLD", "LIGHT_GRAY");

  private SceneVariants() {}

  /** The code of variant {@code kind} of {@code reference}, whose render lasts {@code seconds}. */
  static String code(Kind kind, String reference, double seconds) {
    return switch (kind) {
      case REMOVED -> removed(reference);
      case SHIFTED -> reference + "\n\n" + """
          def _shifted(construct):
              def run(self):
                  self.camera.frame_center = self.camera.frame_center + np.array([0.5, 0.3, 0.0])
                  construct(self)
              return run


          %s.construct = _shifted(%s.construct)
          """.formatted(sceneClass(reference), sceneClass(reference));
      case RECOLOURED -> recoloured(reference);
      case STRETCHED -> reference + "\n\n" + """
          _original_play = Scene.play


          def _stretched_play(self, *args, **kwargs):
              animations = self.compile_animations(*args, **kwargs)
              for animation in animations:
                  animation.run_time = animation.run_time * %s
              _original_play(self, *animations)


          Scene.play = _stretched_play
          """.formatted(STRETCH);
      case BLANK -> still(null, seconds);
      case TEXT -> still("Text(\"Hello\")", seconds);
      case CIRCLE -> still("Circle()", seconds);
    };
  }

  static String sceneClass(String code) {
    Matcher m = CLASS.matcher(code);
    if (!m.find()) {
      throw new IllegalArgumentException("no class in scene code");
    }
    return m.group(1);
  }

  private static String still(String mobject, double seconds) {
    StringBuilder sb = new StringBuilder("from manim import *\n\n\nclass Probe(Scene):\n    def construct(self):\n");
    if (mobject != null) {
      sb.append("        self.add(").append(mobject).append(")\n");
    }
    if (seconds > 0) {
      sb.append(String.format(Locale.ROOT, "        self.wait(%.4f)%n", seconds));
    }
    if (mobject == null && seconds <= 0) {
      sb.append("        pass\n");
    }
    return sb.toString();
  }

  private static String recoloured(String code) {
    Matcher m = COLOUR.matcher(code);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String shade = m.group(2) == null ? "" : m.group(2);
      String gray = TO_GRAY.get(m.group(1));
      m.appendReplacement(sb, gray != null ? gray : SWAP.get(m.group(1)) + shade);
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String removed(String code) {
    List<String> lines = new ArrayList<>(List.of(code.split("\n", -1)));
    String bodyIndent = null;
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).strip().startsWith("def construct(")) {
        String next = lines.get(i + 1);
        bodyIndent = next.substring(0, next.length() - next.stripLeading().length());
        break;
      }
    }
    if (bodyIndent == null) {
      throw new IllegalArgumentException("no construct() in scene code");
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      if (line.startsWith(bodyIndent + "self.play(")) {
        lines.set(i, line.replaceFirst("self\\.play\\(", "_skip_play(self, "));
        return String.join("\n", lines) + "\n\n" + """
            def _skip_play(scene, *args, **kwargs):
                animations = scene.compile_animations(*args, **kwargs)
                scene.wait(scene.get_run_time(animations))
            """;
      }
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      if (line.startsWith(bodyIndent + "self.add(") && line.strip().endsWith(")") && line.contains(",")) {
        int comma = line.lastIndexOf(',');
        lines.set(i, line.substring(0, comma) + ")");
        return String.join("\n", lines);
      }
    }
    throw new IllegalArgumentException("nothing to remove: no top-level play() and no multi-argument add()");
  }
}
