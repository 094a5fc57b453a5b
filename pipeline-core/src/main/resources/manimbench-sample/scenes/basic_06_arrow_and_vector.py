from manim import *


class ArrowAndVector(Scene):
    def construct(self):
        arrow = Arrow(LEFT * 3 + UP * 1.5, RIGHT * 3 + UP * 1.5, buff=0, color=YELLOW)
        arrow_label = Text("Arrow", font_size=36).next_to(arrow, UP)
        vector = Vector([2, 1], color=RED).shift(DOWN * 2)
        self.play(GrowArrow(arrow), FadeIn(arrow_label))
        self.play(GrowArrow(vector))
        self.play(Rotate(vector, angle=PI / 2, about_point=vector.get_start()), run_time=1.2)
        self.wait(0.6)
