from manim import *


class PointIn3D(ThreeDScene):
    def construct(self):
        axes = ThreeDAxes(
            x_range=[-4, 4, 1],
            y_range=[-4, 4, 1],
            z_range=[-3, 3, 1],
            x_length=8,
            y_length=8,
            z_length=6,
        )
        labels = axes.get_axis_labels(x_label="x", y_label="y", z_label="z")
        self.set_camera_orientation(phi=70 * DEGREES, theta=-45 * DEGREES)
        point = Dot3D(axes.c2p(2, 2, 2), color=RED, radius=0.12)
        foot = axes.c2p(2, 2, 0)
        guides = VGroup(
            DashedLine(axes.c2p(2, 0, 0), foot, color=YELLOW),
            DashedLine(axes.c2p(0, 2, 0), foot, color=YELLOW),
            DashedLine(foot, axes.c2p(2, 2, 2), color=YELLOW),
        )
        self.play(Create(axes), run_time=1.2)
        self.play(Write(labels), run_time=0.6)
        self.play(Create(guides), FadeIn(point), run_time=0.8)
        self.begin_ambient_camera_rotation(rate=PI / 8)
        self.wait(1.6)
        self.stop_ambient_camera_rotation()
