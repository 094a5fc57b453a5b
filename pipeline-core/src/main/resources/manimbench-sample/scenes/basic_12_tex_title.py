from manim import *


class TexTitle(Scene):
    def construct(self):
        title = Tex(r"\textbf{The Pythagorean Theorem}", font_size=56).to_edge(UP)
        underline = Underline(title, color=YELLOW)
        formula = MathTex("a^2 + b^2 = c^2", font_size=72)
        self.play(Write(title), run_time=1.2)
        self.play(Create(underline), run_time=0.6)
        self.play(FadeIn(formula, scale=0.5))
        self.wait(0.8)
