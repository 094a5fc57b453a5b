from manim import *


class BraceLength(Scene):
    def construct(self):
        line = Line(LEFT * 3, RIGHT * 3, color=BLUE, stroke_width=6)
        brace = Brace(line, direction=DOWN)
        label = Tex("6 units").next_to(brace, DOWN)
        self.play(Create(line))
        self.play(GrowFromCenter(brace), run_time=0.8)
        self.play(Write(label), run_time=0.8)
        self.wait(0.8)
