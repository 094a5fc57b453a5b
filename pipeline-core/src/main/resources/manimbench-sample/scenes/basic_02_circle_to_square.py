from manim import *


class CircleToSquare(Scene):
    def construct(self):
        circle = Circle(radius=1.5, color=RED)
        circle.set_fill(RED, opacity=0.5)
        square = Square(side_length=3, color=GREEN)
        square.set_fill(GREEN, opacity=0.5)
        self.play(Create(circle))
        self.play(Transform(circle, square), run_time=1.2)
        self.wait(0.8)
