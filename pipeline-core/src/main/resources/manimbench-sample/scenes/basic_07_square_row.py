from manim import *


class SquareRow(Scene):
    def construct(self):
        colors = [RED, ORANGE, YELLOW, GREEN, BLUE]
        squares = VGroup(
            *[Square(side_length=1, color=c).set_fill(c, opacity=0.7) for c in colors]
        )
        squares.arrange(RIGHT, buff=0.3)
        self.play(
            LaggedStart(*[FadeIn(s, shift=DOWN) for s in squares], lag_ratio=0.2),
            run_time=1.6,
        )
        self.play(squares.animate.arrange(DOWN, buff=0.2).scale(0.7), run_time=1.2)
        self.wait(0.8)
