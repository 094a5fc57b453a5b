from manim import *


class CircumscribeFormula(Scene):
    def construct(self):
        equation = MathTex("E", "=", "m", "c^2", font_size=96)
        self.play(FadeIn(equation))
        self.play(Circumscribe(equation, color=RED))
        self.play(Circumscribe(equation[3], shape=Circle, color=BLUE))
        self.wait(0.4)
