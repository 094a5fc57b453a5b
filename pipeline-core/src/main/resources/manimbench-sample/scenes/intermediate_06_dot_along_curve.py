from manim import *


class DotAlongCurve(Scene):
    def construct(self):
        path = VMobject(color=GREY)
        path.set_points_smoothly(
            [
                LEFT * 5 + DOWN * 1,
                LEFT * 2.5 + UP * 2,
                ORIGIN,
                RIGHT * 2.5 + DOWN * 2,
                RIGHT * 5 + UP * 1,
            ]
        )
        dot = Dot(path.get_start(), color=ORANGE, radius=0.15)
        trace = TracedPath(dot.get_center, stroke_color=ORANGE, stroke_width=6)
        self.play(Create(path), run_time=0.8)
        self.add(trace, dot)
        self.play(MoveAlongPath(dot, path), run_time=2.4, rate_func=linear)
        self.wait(0.6)
