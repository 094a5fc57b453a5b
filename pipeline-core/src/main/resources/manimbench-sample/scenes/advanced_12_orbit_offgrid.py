from manim import *


class OrbitOffgrid(Scene):
    def construct(self):
        sun = Dot(radius=0.4, color=YELLOW)
        orbit = Circle(radius=2.5, color=GREY)
        angle = ValueTracker(0)

        def planet_position():
            a = angle.get_value()
            return 2.5 * np.array([np.cos(a), np.sin(a), 0])

        planet = always_redraw(lambda: Dot(planet_position(), radius=0.15, color=BLUE))
        moon = always_redraw(
            lambda: Dot(
                planet_position()
                + 0.5 * np.array([np.cos(4 * angle.get_value()), np.sin(4 * angle.get_value()), 0]),
                radius=0.07,
                color=WHITE,
            )
        )
        # Deliberately off the 0.2 s grid: 0.5 s is 7.5 frames at 15 fps.
        self.play(FadeIn(sun), Create(orbit), run_time=0.5)
        self.add(planet, moon)
        self.play(angle.animate.set_value(TAU), run_time=2.4, rate_func=linear)
        self.play(Flash(sun, color=YELLOW, flash_radius=0.7), run_time=0.8)
        self.wait(0.6)
