from manim import *


class ZoomOnDetail(MovingCameraScene):
    def construct(self):
        frame = self.camera.frame
        frame.save_state()
        border = Rectangle(width=12, height=6.5, color=GREY)
        dots = VGroup(
            *[Dot([x, y, 0], color=BLUE_C) for x in range(-5, 6, 2) for y in range(-2, 3, 2)]
        )
        target = Circle(radius=0.5, color=YELLOW).move_to([4, 2, 0])
        secret = Text("Zoom in!", font_size=14, color=YELLOW).move_to(target)
        self.play(FadeIn(border), FadeIn(dots), FadeIn(target), FadeIn(secret), run_time=0.8)
        self.play(frame.animate.scale(0.3).move_to(target), run_time=1.4)
        self.play(Indicate(secret, color=RED), run_time=0.8)
        self.play(Restore(frame), run_time=1.2)
