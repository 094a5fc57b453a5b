from manim import *


class ParabolaPlot(Scene):
    def construct(self):
        axes = Axes(
            x_range=[-3, 3, 1],
            y_range=[0, 9, 3],
            x_length=6,
            y_length=5,
            axis_config={"include_numbers": True},
        )
        axis_labels = axes.get_axis_labels(x_label="x", y_label="y")
        curve = axes.plot(lambda x: x**2, color=YELLOW)
        curve_label = axes.get_graph_label(curve, label="y = x^2", x_val=2.5, direction=RIGHT)
        self.play(Create(axes), Write(axis_labels), run_time=1.2)
        self.play(Create(curve), run_time=1.2)
        self.play(Write(curve_label), run_time=0.6)
        self.wait(0.6)
