from manim import *


class LissajousTracer(Scene):
    def construct(self):
        t = ValueTracker(0)

        def point(s):
            return np.array([2.5 * np.sin(3 * s), 2.5 * np.sin(2 * s), 0])

        curve = always_redraw(
            lambda: ParametricFunction(
                point, t_range=[0, t.get_value() + 0.001], color=TEAL, stroke_width=5
            )
        )
        dot = always_redraw(lambda: Dot(point(t.get_value()), color=WHITE))
        t_label = MathTex("t =").to_corner(UL)
        t_value = DecimalNumber(0, num_decimal_places=2)
        t_value.add_updater(lambda m: m.set_value(t.get_value()).next_to(t_label, RIGHT))
        self.add(curve, dot, t_label, t_value)
        self.play(t.animate.set_value(TAU), run_time=3, rate_func=linear)
        self.play(Flash(dot.get_center(), color=YELLOW), run_time=0.8)
        self.wait(0.6)
