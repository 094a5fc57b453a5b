from manim import *


class PlaneWithPoint(Scene):
    def construct(self):
        plane = NumberPlane()
        dot = Dot(plane.c2p(2, 1), color=YELLOW, radius=0.12)
        label = MathTex("(2, 1)", color=YELLOW).next_to(dot, UR, buff=0.1)
        self.add(plane, dot, label)
