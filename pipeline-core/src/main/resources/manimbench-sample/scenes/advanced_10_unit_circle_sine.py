from manim import *


class UnitCircleSine(Scene):
    def construct(self):
        radius = 1.5
        center = LEFT * 4
        x0 = -1.5
        stretch = 6 / TAU
        circle = Circle(radius=radius, color=BLUE).move_to(center)
        circle_axis = Line(center + LEFT * 2, center + RIGHT * 2, color=GREY)
        wave_axis = Line([x0, 0, 0], [x0 + 6.5, 0, 0], color=GREY)
        t = ValueTracker(0)

        def tip():
            a = t.get_value()
            return center + radius * np.array([np.cos(a), np.sin(a), 0])

        def wave_point(s):
            return np.array([x0 + stretch * s, radius * np.sin(s), 0])

        dot = always_redraw(lambda: Dot(tip(), color=YELLOW))
        spoke = always_redraw(lambda: Line(center, tip(), color=YELLOW))
        wave = always_redraw(
            lambda: ParametricFunction(
                wave_point, t_range=[0, t.get_value() + 0.001], color=RED
            )
        )
        link = always_redraw(
            lambda: DashedLine(tip(), wave_point(t.get_value()), color=WHITE, stroke_width=2)
        )
        angle_label = MathTex(r"\theta =").to_corner(UL)
        angle_value = DecimalNumber(0, num_decimal_places=2)
        angle_value.add_updater(
            lambda m: m.set_value(t.get_value()).next_to(angle_label, RIGHT)
        )
        self.play(
            Create(circle), Create(circle_axis), Create(wave_axis), Write(angle_label),
            run_time=0.8,
        )
        self.add(spoke, link, wave, dot, angle_value)
        self.play(t.animate.set_value(TAU), run_time=3.2, rate_func=linear)
        self.wait(0.6)
