from manim import *


class AreaUnderCurve(Scene):
    def construct(self):
        title = Tex("Area under a curve", font_size=40).to_edge(UP)
        axes = Axes(
            x_range=[0, 4, 1],
            y_range=[0, 6, 1],
            x_length=7,
            y_length=5,
            axis_config={"include_numbers": True},
        ).shift(DOWN * 0.4)
        curve = axes.plot(lambda x: 0.25 * x**2 + 1, x_range=[0, 4], color=YELLOW)
        area = axes.get_area(curve, x_range=[1, 3], color=BLUE, opacity=0.5)
        result = MathTex(r"\int_1^3 f(x)\,dx = \frac{25}{6}", font_size=40)
        result.next_to(axes.c2p(0.3, 5.5), RIGHT)
        self.play(Create(axes), Write(title), run_time=1.2)
        self.play(Create(curve), run_time=0.8)
        self.play(FadeIn(area), run_time=0.8)
        self.play(Write(result), run_time=1.2)
        self.wait(0.6)
