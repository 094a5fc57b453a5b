from manim import *


class HelloText(Scene):
    def construct(self):
        title = Text("Hello, Manim!", font_size=72, color=BLUE)
        self.play(Write(title))
        self.wait(0.6)
        self.play(title.animate.set_color(YELLOW).scale(0.8), run_time=0.8)
        self.wait(0.6)
