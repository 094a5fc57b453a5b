from manim import *


class TrackerDotOnCurve(Scene):
    def construct(self):
        axes = Axes(x_range=[0, 4, 1], y_range=[0, 4, 1], x_length=6, y_length=5)

        def f(x):
            return 0.25 * x**2

        curve = axes.plot(f, color=BLUE)
        t = ValueTracker(0.5)
        dot = always_redraw(
            lambda: Dot(axes.c2p(t.get_value(), f(t.get_value())), color=RED)
        )
        drop = always_redraw(
            lambda: axes.get_vertical_line(
                axes.c2p(t.get_value(), f(t.get_value())), color=RED
            )
        )
        self.play(Create(axes), Create(curve))
        self.add(drop, dot)
        self.play(t.animate.set_value(3.5), run_time=2)
        self.play(t.animate.set_value(2), run_time=1)
        self.wait(0.6)
