from manim import *


class EulerIdentity(Scene):
    def construct(self):
        equation = MathTex(r"e^{i\pi}", "+", "1", "=", "0", font_size=96)
        self.play(Write(equation), run_time=1.6)
        self.play(
            equation[0].animate.set_color(YELLOW),
            equation[4].animate.set_color(BLUE),
        )
        self.wait(1)
