from manim import *


class SpinSquare(Scene):
    def construct(self):
        square = Square(side_length=2, color=PURPLE).set_fill(PURPLE, opacity=0.5)
        self.play(DrawBorderThenFill(square), run_time=2)
        self.play(Rotate(square, angle=PI / 4), run_time=1.2)
        self.play(square.animate.scale(1.5), run_time=0.8)
        self.wait(0.6)
