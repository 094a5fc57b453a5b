from manim import *


class VectorAddition(Scene):
    def construct(self):
        plane = NumberPlane()
        origin = plane.c2p(-3, -2)
        a = Arrow(origin, plane.c2p(0, -1), buff=0, color=RED)
        b = Arrow(origin, plane.c2p(-2, 0), buff=0, color=BLUE)
        total = Arrow(origin, plane.c2p(1, 1), buff=0, color=GREEN)
        a_label = MathTex(r"\vec{a}", color=RED).next_to(a, DOWN, buff=0.1)
        b_label = MathTex(r"\vec{b}", color=BLUE).next_to(b, LEFT, buff=0.1)
        total_label = MathTex(r"\vec{a} + \vec{b}", color=GREEN).next_to(total.get_end(), UP)
        self.play(FadeIn(plane), run_time=0.6)
        self.play(GrowArrow(a), Write(a_label), run_time=0.8)
        self.play(GrowArrow(b), Write(b_label), run_time=0.8)
        offset = plane.c2p(0, -1) - origin
        moved_b = b.copy().shift(offset)
        self.play(
            b.animate.shift(offset),
            b_label.animate.next_to(moved_b, RIGHT, buff=0.1),
        )
        self.play(GrowArrow(total), Write(total_label))
        self.wait(0.6)
