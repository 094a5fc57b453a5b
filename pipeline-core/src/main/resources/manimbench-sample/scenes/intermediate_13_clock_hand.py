from manim import *


class ClockHand(Scene):
    def construct(self):
        face = Circle(radius=2, color=WHITE)
        ticks = VGroup(
            *[
                Line(UP * 1.7, UP * 2).rotate(-i * TAU / 12, about_point=ORIGIN)
                for i in range(12)
            ]
        )
        hand = Line(ORIGIN, UP * 1.6, color=RED, stroke_width=6)
        self.play(Create(face), Create(ticks))
        hand.add_updater(lambda m, dt: m.rotate(-PI / 2 * dt, about_point=ORIGIN))
        self.add(hand)
        self.wait(2)
        hand.clear_updaters()
        self.play(hand.animate.set_color(YELLOW), run_time=0.6)
