from manim import *


class IndicateWord(Scene):
    def construct(self):
        words = VGroup(Text("Learn"), Text("Manim"), Text("Today"))
        words.arrange(RIGHT, buff=0.5)
        self.play(FadeIn(words))
        self.play(Indicate(words[1], color=YELLOW, scale_factor=1.4))
        self.play(words[1].animate.set_color(YELLOW), run_time=0.6)
        self.wait(0.6)
