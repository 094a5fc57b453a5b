package dev.manimgrpo.reward.code;

import java.util.List;

/** Short, real-looking Manim Community scenes used as test inputs. */
final class ManimScenes {

  private ManimScenes() {}

  static final String SQUARE_TO_CIRCLE = """
      from manim import *


      class SquareToCircle(Scene):
          \"\"\"Turn a square into a circle.\"\"\"

          def construct(self):
              # a pink circle
              circle = Circle()
              circle.set_fill(PINK, opacity=0.5)
              square = Square()
              square.rotate(PI / 4)
              self.play(Create(square))
              self.play(Transform(square, circle))
              self.play(FadeOut(square))
      """;

  /** The same scene with one variable renamed ({@code circle} to {@code disc}) and a comment dropped. */
  static final String SQUARE_TO_CIRCLE_RENAMED = """
      from manim import *


      class SquareToCircle(Scene):
          \"\"\"Turn a square into a circle.\"\"\"

          def construct(self):
              disc = Circle()
              disc.set_fill(PINK, opacity=0.5)
              square = Square()
              square.rotate(PI / 4)
              self.play(Create(square))
              self.play(Transform(square, disc))
              self.play(FadeOut(square))
      """;

  static final String PYTHAGORAS = """
      from manim import *


      class Pythagoras(Scene):
          def construct(self):
              title = Text("Pythagorean theorem").to_edge(UP)
              a, b = 3, 4
              c = (a ** 2 + b ** 2) ** 0.5
              triangle = Polygon(ORIGIN, RIGHT * a, RIGHT * a + UP * b, color=WHITE)
              triangle.scale(0.5).move_to(ORIGIN)
              labels = VGroup(
                  MathTex("a").next_to(triangle, DOWN),
                  MathTex("b").next_to(triangle, RIGHT),
                  MathTex("c").move_to(triangle.get_center() + LEFT * 0.6 + UP * 0.3),
              )
              formula = MathTex("a^2", "+", "b^2", "=", "c^2").next_to(triangle, DOWN, buff=1)
              self.play(Write(title))
              self.play(Create(triangle), run_time=2)
              self.play(LaggedStart(*[FadeIn(l) for l in labels], lag_ratio=0.3))
              for i, part in enumerate(formula):
                  if i % 2 == 0:
                      part.set_color(YELLOW)
                  else:
                      part.set_color(WHITE)
                  self.play(Write(part), run_time=0.4)
              result = MathTex(f"c = {c:.0f}").next_to(formula, DOWN)
              self.play(Indicate(result))
              self.wait(2)
      """;

  static final String VECTOR_ADDITION = """
      from manim import *


      class VectorAddition(Scene):
          def construct(self):
              plane = NumberPlane(x_range=[-5, 5], y_range=[-3, 3])
              v1 = Vector([2, 1], color=BLUE)
              v2 = Vector([1, 2], color=RED).shift(v1.get_end())
              total = Vector(v1.get_end() + v2.get_end() - v1.get_end(), color=GREEN)
              label = MathTex(r"\\vec{a} + \\vec{b}").next_to(total.get_end(), UR)
              self.add(plane)
              self.play(GrowArrow(v1))
              self.play(GrowArrow(v2))
              self.play(GrowArrow(total), Write(label))
              count = 0
              while count < 3:
                  self.play(total.animate.scale(1.1))
                  count += 1
              self.wait()
      """;

  static final String CIRCLE_AREA = """
      from manim import *


      class CircleArea(Scene):
          def construct(self):
              r = ValueTracker(1)
              circle = always_redraw(lambda: Circle(radius=r.get_value(), color=BLUE))
              area = always_redraw(
                  lambda: MathTex(f"A = {PI * r.get_value() ** 2:.2f}").to_corner(UL)
              )
              self.add(circle, area)
              self.play(r.animate.set_value(2), run_time=3)
              self.wait()
      """;

  /** Not Manim at all. */
  static final String UNRELATED = """
      import json
      import sys

      def load(path):
          with open(path) as fh:
              return json.load(fh)

      if __name__ == "__main__":
          data = load(sys.argv[1])
          print(len(data))
      """;

  /** A truncated LLM completion: unclosed call. */
  static final String BROKEN = """
      from manim import *


      class SquareToCircle(Scene):
          def construct(self):
              circle = Circle()
              circle.set_fill(PINK, opacity=0.5
              square = Square()
              self.play(Create(square)
      """;

  /** A longer scene (about 70 lines): four scenes' bodies in one construct. */
  static String longScene() {
    StringBuilder sb = new StringBuilder("from manim import *\n\n\nclass Combined(Scene):\n    def construct(self):\n");
    for (String scene : List.of(SQUARE_TO_CIRCLE, PYTHAGORAS, VECTOR_ADDITION, CIRCLE_AREA)) {
      String body = scene.substring(scene.indexOf("def construct(self):") + "def construct(self):".length() + 1);
      sb.append(body).append("        self.clear()\n");
    }
    return sb.toString();
  }

  static List<String> all() {
    return List.of(SQUARE_TO_CIRCLE, SQUARE_TO_CIRCLE_RENAMED, PYTHAGORAS, VECTOR_ADDITION, CIRCLE_AREA, UNRELATED,
        BROKEN);
  }
}
