from manim import *


class GrowStar(Scene):
    def construct(self):
        star = Star(n=5, outer_radius=2, color=GOLD).set_fill(GOLD, opacity=0.8)
        label = Text("Star", font_size=40).next_to(star, DOWN)
        self.play(GrowFromCenter(star))
        self.play(Write(label), run_time=0.6)
        self.play(Rotate(star, angle=PI / 5), run_time=1.2)
        self.wait(0.6)
