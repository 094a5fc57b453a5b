from manim import *


class HelixCamera(ThreeDScene):
    def construct(self):
        axes = ThreeDAxes(
            x_range=[-2, 2, 1],
            y_range=[-2, 2, 1],
            z_range=[-1, 3, 1],
            x_length=4,
            y_length=4,
            z_length=4,
        )
        helix = ParametricFunction(
            lambda s: axes.c2p(1.5 * np.cos(s), 1.5 * np.sin(s), s / TAU),
            t_range=[0, 2 * TAU],
            color=YELLOW,
        )
        dot = Dot3D(helix.get_start(), color=RED, radius=0.12)
        self.set_camera_orientation(phi=70 * DEGREES, theta=30 * DEGREES)
        self.play(Create(axes), run_time=0.8)
        self.play(Create(helix), FadeIn(dot), run_time=1.6)
        self.move_camera(
            phi=40 * DEGREES,
            theta=120 * DEGREES,
            added_anims=[MoveAlongPath(dot, helix)],
            run_time=2,
        )
        self.wait(0.4)
