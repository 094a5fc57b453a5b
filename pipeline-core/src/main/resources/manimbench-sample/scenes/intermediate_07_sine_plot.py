from manim import *


class SinePlot(Scene):
    def construct(self):
        axes = Axes(
            x_range=[0, 7, 1],
            y_range=[-1.5, 1.5, 0.5],
            x_length=11,
            y_length=5,
            x_axis_config={"include_numbers": True},
        )
        axis_labels = axes.get_axis_labels(x_label="x", y_label="y")
        sine = axes.plot(np.sin, color=BLUE)
        cosine = axes.plot(np.cos, color=RED)
        sine_label = axes.get_graph_label(sine, r"\sin(x)", x_val=1.6, direction=UP)
        cosine_label = axes.get_graph_label(cosine, r"\cos(x)", x_val=6.2, direction=UP)
        self.play(Create(axes), Write(axis_labels))
        self.play(Create(sine), run_time=1.2)
        self.play(Write(sine_label), run_time=0.6)
        self.play(Create(cosine), Write(cosine_label), run_time=1.2)
        self.wait(0.6)
