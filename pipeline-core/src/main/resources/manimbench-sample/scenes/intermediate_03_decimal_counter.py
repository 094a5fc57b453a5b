from manim import *


class DecimalCounter(Scene):
    def construct(self):
        tracker = ValueTracker(0)
        label = Text("value =", font_size=48).move_to(LEFT * 1.5 + UP * 0.5)
        number = DecimalNumber(0, num_decimal_places=2, font_size=64, color=GREEN)
        number.add_updater(
            lambda m: m.set_value(tracker.get_value()).next_to(label, RIGHT, buff=0.3)
        )
        frame = Rectangle(width=6, height=0.4, color=WHITE).move_to(DOWN * 1)
        bar = always_redraw(
            lambda: Rectangle(
                width=max(0.6 * tracker.get_value(), 0.001),
                height=0.4,
                stroke_width=0,
                fill_color=GREEN,
                fill_opacity=0.8,
            ).align_to(frame, LEFT).align_to(frame, DOWN)
        )
        self.play(FadeIn(label), FadeIn(number), Create(frame), run_time=0.6)
        self.add(bar)
        self.play(tracker.animate.set_value(10), run_time=2.4)
        self.play(tracker.animate.set_value(3.14), run_time=1)
        self.wait(0.6)
