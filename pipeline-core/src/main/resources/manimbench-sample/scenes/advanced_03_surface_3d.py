from manim import *


class WaveSurface(ThreeDScene):
    def construct(self):
        axes = ThreeDAxes(
            x_range=[-3, 3, 1],
            y_range=[-3, 3, 1],
            z_range=[-1.5, 1.5, 0.5],
            x_length=6,
            y_length=6,
            z_length=3,
        )
        surface = Surface(
            lambda u, v: axes.c2p(u, v, np.sin(u) * np.cos(v)),
            u_range=[-3, 3],
            v_range=[-3, 3],
            resolution=(24, 24),
        )
        surface.set_style(fill_opacity=0.8)
        surface.set_fill_by_value(
            axes=axes, colorscale=[(BLUE, -1), (GREEN, 0), (YELLOW, 1)], axis=2
        )
        title = MathTex(r"z = \sin x \cos y").to_corner(UL)
        self.set_camera_orientation(phi=65 * DEGREES, theta=-60 * DEGREES)
        self.add_fixed_in_frame_mobjects(title)
        self.play(Create(axes), run_time=0.8)
        self.play(Create(surface), run_time=1.6)
        self.begin_ambient_camera_rotation(rate=0.3)
        self.wait(1.6)
        self.stop_ambient_camera_rotation()
