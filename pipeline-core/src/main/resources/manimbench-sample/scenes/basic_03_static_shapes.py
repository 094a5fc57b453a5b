from manim import *


class StaticShapes(Scene):
    def construct(self):
        circle = Circle(radius=1, color=BLUE).set_fill(BLUE, opacity=0.6)
        square = Square(side_length=2, color=ORANGE).set_fill(ORANGE, opacity=0.6)
        triangle = Triangle(color=GREEN).scale(1.2).set_fill(GREEN, opacity=0.6)
        shapes = VGroup(circle, square, triangle).arrange(RIGHT, buff=1)
        caption = Text("Circle, Square, Triangle", font_size=36)
        caption.next_to(shapes, DOWN, buff=0.8)
        self.add(shapes, caption)
