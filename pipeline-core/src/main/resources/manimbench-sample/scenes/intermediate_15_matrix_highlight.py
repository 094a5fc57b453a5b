from manim import *


class MatrixHighlight(Scene):
    def construct(self):
        matrix = Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        brace = Brace(matrix, DOWN)
        size = Tex(r"$3 \times 3$").next_to(brace, DOWN)
        entries = matrix.get_entries()
        diagonal = VGroup(entries[0], entries[4], entries[8])
        trace = MathTex(r"\mathrm{tr} = 15", color=YELLOW).next_to(matrix, RIGHT, buff=0.8)
        rows = matrix.get_rows()
        box = SurroundingRectangle(rows[0], color=BLUE)
        self.play(Write(matrix), GrowFromCenter(brace), FadeIn(size), run_time=2)
        self.play(diagonal.animate.set_color(YELLOW), Write(trace), run_time=0.6)
        self.play(Create(box), run_time=0.8)
        self.play(box.animate.move_to(rows[1]), run_time=0.8)
        self.wait(0.6)
