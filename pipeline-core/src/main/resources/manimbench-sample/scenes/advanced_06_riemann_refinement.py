from manim import *


class RiemannRefinement(Scene):
    def construct(self):
        axes = Axes(
            x_range=[0, 4, 1],
            y_range=[0, 4, 1],
            x_length=7,
            y_length=5,
            axis_config={"include_numbers": True},
        ).to_edge(LEFT)
        curve = axes.plot(lambda x: 2 + np.sin(1.5 * x), x_range=[0, 4], color=YELLOW)
        widths = [1, 0.5, 0.25, 0.125]
        rect_sets = [
            axes.get_riemann_rectangles(
                curve,
                x_range=[0, 4],
                dx=dx,
                input_sample_type="left",
                color=(BLUE, GREEN),
                fill_opacity=0.6,
            )
            for dx in widths
        ]
        title = Tex("Left Riemann sum", font_size=44).to_corner(UR)
        labels = [
            MathTex(r"\Delta x = " + str(dx)).next_to(title, DOWN, buff=0.4)
            for dx in widths
        ]
        self.play(Create(axes), Create(curve), Write(title))
        self.play(FadeIn(rect_sets[0]), FadeIn(labels[0]), run_time=0.6)
        rects, label = rect_sets[0], labels[0]
        for new_rects, new_label in zip(rect_sets[1:], labels[1:]):
            self.play(Transform(rects, new_rects), ReplacementTransform(label, new_label), run_time=0.8)
            label = new_label
        self.wait(0.6)
