from manim import *


class DotAroundCircle(Scene):
    def construct(self):
        circle = Circle(radius=2, color=WHITE)
        dot = Dot(circle.point_at_angle(0), color=RED, radius=0.15)
        self.play(Create(circle), FadeIn(dot), run_time=0.8)
        self.play(MoveAlongPath(dot, circle), run_time=2, rate_func=linear)
        self.play(dot.animate.set_color(GREEN).scale(2), run_time=0.6)
        self.wait(0.4)
