from manim import *


class SphereCamera(ThreeDScene):
    def construct(self):
        axes = ThreeDAxes()
        sphere = Sphere(radius=1.5, resolution=(24, 12))
        sphere.set_fill_by_checkerboard(BLUE_D, BLUE_E, opacity=0.9)
        self.set_camera_orientation(phi=75 * DEGREES, theta=30 * DEGREES)
        self.add(axes)
        self.play(FadeIn(sphere))
        self.move_camera(phi=45 * DEGREES, theta=120 * DEGREES, run_time=1.6)
        self.play(sphere.animate.scale(0.5), run_time=0.8)
        self.wait(0.4)
