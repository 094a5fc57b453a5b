from manim import *


class ColorCycle(Scene):
    def construct(self):
        square = Square(side_length=2.5, color=WHITE).set_fill(BLUE, opacity=0.8)
        self.add(square)
        self.play(square.animate.set_fill(GREEN), run_time=0.8)
        self.play(square.animate.set_fill(YELLOW), run_time=0.8)
        self.play(square.animate.set_fill(RED).set_stroke(YELLOW, width=8), run_time=0.8)
        self.wait(0.6)
