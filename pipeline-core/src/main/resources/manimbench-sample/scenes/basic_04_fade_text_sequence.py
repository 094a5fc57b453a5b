from manim import *


class FadeTextSequence(Scene):
    def construct(self):
        first = Text("Fade in", font_size=60, color=TEAL)
        second = Text("and out", font_size=60, color=PINK)
        self.play(FadeIn(first, shift=UP))
        self.wait(0.4)
        self.play(FadeOut(first, shift=UP), FadeIn(second, shift=UP))
        self.wait(0.4)
        self.play(FadeOut(second), run_time=0.6)
