from manim import *


class CubeToPrism(ThreeDScene):
    def construct(self):
        self.set_camera_orientation(phi=60 * DEGREES, theta=-45 * DEGREES)
        axes = ThreeDAxes(x_range=[-3, 3, 1], y_range=[-3, 3, 1], z_range=[-2, 2, 1])
        cube = Cube(side_length=2, fill_color=BLUE, fill_opacity=0.7)
        prism = Prism(dimensions=[3, 1.5, 1], fill_color=RED, fill_opacity=0.7)
        self.add(axes)
        self.play(FadeIn(cube), run_time=0.8)
        self.play(Rotate(cube, angle=PI / 4, axis=OUT), run_time=1.2)
        self.play(cube.animate.set_fill(ORANGE), run_time=0.6)
        self.play(Transform(cube, prism))
        self.wait(0.6)
