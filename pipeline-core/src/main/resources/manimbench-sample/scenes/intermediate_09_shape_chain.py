from manim import *


class ShapeChain(Scene):
    def construct(self):
        shapes = [
            (Triangle(color=YELLOW).scale(1.5).set_fill(YELLOW, opacity=0.5), "Triangle"),
            (Square(side_length=2.6, color=GREEN).set_fill(GREEN, opacity=0.5), "Square"),
            (RegularPolygon(n=6, color=BLUE).scale(1.5).set_fill(BLUE, opacity=0.5), "Hexagon"),
            (Circle(radius=1.5, color=RED).set_fill(RED, opacity=0.5), "Circle"),
        ]
        current = shapes[0][0]
        name = Text(shapes[0][1], font_size=40).to_edge(DOWN)
        self.play(Create(current), FadeIn(name))
        for shape, word in shapes[1:]:
            new_name = Text(word, font_size=40).to_edge(DOWN)
            self.play(
                ReplacementTransform(current, shape),
                ReplacementTransform(name, new_name),
                run_time=0.8,
            )
            current, name = shape, new_name
        self.wait(0.6)
