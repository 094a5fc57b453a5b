from manim import *


class RectangleDimensions(Scene):
    def construct(self):
        rect = Rectangle(width=5, height=3, color=BLUE).set_fill(BLUE, opacity=0.3)
        bottom_brace = Brace(rect, DOWN)
        bottom_label = bottom_brace.get_tex("w = 5")
        right_brace = Brace(rect, RIGHT)
        right_label = right_brace.get_tex("h = 3")
        area = MathTex(r"A = w \cdot h = 15").move_to(rect)
        self.play(Create(rect), run_time=0.8)
        self.play(GrowFromCenter(bottom_brace), Write(bottom_label), run_time=0.8)
        self.play(GrowFromCenter(right_brace), Write(right_label), run_time=0.8)
        self.play(Write(area))
        self.wait(0.6)
