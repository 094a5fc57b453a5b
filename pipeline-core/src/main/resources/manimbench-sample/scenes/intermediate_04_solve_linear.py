from manim import *


class SolveLinear(Scene):
    def construct(self):
        step1 = MathTex("2", "x", "+", "3", "=", "7", font_size=72)
        step2 = MathTex("2", "x", "=", "7", "-", "3", font_size=72)
        step3 = MathTex("2", "x", "=", "4", font_size=72)
        step4 = MathTex("x", "=", "2", font_size=72)
        self.play(Write(step1))
        self.play(TransformMatchingTex(step1, step2))
        self.play(TransformMatchingTex(step2, step3))
        self.play(TransformMatchingTex(step3, step4))
        self.play(Circumscribe(step4, color=YELLOW))
        self.wait(0.4)
