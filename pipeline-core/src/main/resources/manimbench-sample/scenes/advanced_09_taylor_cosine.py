from manim import *


class TaylorCosine(Scene):
    def construct(self):
        axes = Axes(x_range=[-4, 4, 1], y_range=[-2, 2, 1], x_length=10, y_length=5).shift(DOWN * 0.5)
        cosine = axes.plot(np.cos, color=BLUE)
        cos_label = MathTex(r"\cos x", color=BLUE).next_to(axes.c2p(4, 0.5), UP)
        polynomials = [
            (lambda x: 1 + 0 * x, [-4, 4]),
            (lambda x: 1 - x**2 / 2, [-2.4, 2.4]),
            (lambda x: 1 - x**2 / 2 + x**4 / 24, [-3.7, 3.7]),
            (lambda x: 1 - x**2 / 2 + x**4 / 24 - x**6 / 720, [-3.9, 3.9]),
        ]
        curves = [axes.plot(p, x_range=r, color=YELLOW) for p, r in polynomials]
        terms = ["P(x)", "=", "1", "-", r"\frac{x^2}{2}", "+", r"\frac{x^4}{24}", "-", r"\frac{x^6}{720}"]
        formulas = [MathTex(*terms[:n]).to_edge(UP) for n in (3, 5, 7, 9)]
        self.play(Create(axes), Create(cosine), Write(cos_label), run_time=1.2)
        self.play(Create(curves[0]), Write(formulas[0]), run_time=0.8)
        for i in range(1, 4):
            self.play(
                ReplacementTransform(curves[i - 1], curves[i]),
                TransformMatchingTex(formulas[i - 1], formulas[i]),
            )
        self.wait(0.6)
