from manim import *


class TangentTracker(Scene):
    def construct(self):
        axes = Axes(x_range=[-3, 3, 1], y_range=[-1, 5, 1], x_length=7, y_length=5)

        def f(x):
            return 0.5 * x**2

        curve = axes.plot(f, color=BLUE)
        t = ValueTracker(-2)

        def tangent():
            x = t.get_value()
            line = Line(axes.c2p(x - 1, f(x) - x), axes.c2p(x + 1, f(x) + x), color=YELLOW)
            return line.set_length(4)

        tangent_line = always_redraw(tangent)
        dot = always_redraw(lambda: Dot(axes.c2p(t.get_value(), f(t.get_value())), color=YELLOW))
        slope_text = MathTex("m =").to_corner(UL)
        slope_value = DecimalNumber(-2, num_decimal_places=2)
        slope_value.add_updater(
            lambda m: m.set_value(t.get_value()).next_to(slope_text, RIGHT)
        )
        self.play(Create(axes), Create(curve), run_time=1.2)
        self.play(FadeIn(tangent_line), FadeIn(dot), FadeIn(slope_text), FadeIn(slope_value), run_time=0.6)
        self.play(t.animate.set_value(2), run_time=2.4)
        self.wait(0.6)
