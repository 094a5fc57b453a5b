from manim import *


class ShearPlane(Scene):
    def construct(self):
        plane = NumberPlane()
        vector = Vector([3, 2], color=YELLOW)
        label = MathTex("(3, 2)", color=YELLOW).next_to(vector.get_end(), UR, buff=0.1)
        shear = [[1, 1], [0, 1]]
        new_vector = Vector([5, 2], color=YELLOW)
        new_label = MathTex("(5, 2)", color=YELLOW).next_to(new_vector.get_end(), UR, buff=0.1)
        self.play(Create(plane))
        self.play(GrowArrow(vector), run_time=0.8)
        self.play(Write(label), run_time=0.6)
        self.play(
            ApplyMatrix(shear, plane),
            Transform(vector, new_vector),
            Transform(label, new_label),
            run_time=1.6,
        )
        self.wait(0.6)
