from manim import *


class SimpleGraph(Scene):
    def construct(self):
        vertices = [1, 2, 3, 4]
        edges = [(1, 2), (2, 3), (3, 4), (4, 1), (1, 3)]
        layout = {
            1: [-2, 1.5, 0],
            2: [2, 1.5, 0],
            3: [2, -1.5, 0],
            4: [-2, -1.5, 0],
        }
        graph = Graph(
            vertices,
            edges,
            layout=layout,
            labels=True,
            vertex_config={"fill_color": BLUE},
            edge_config={"stroke_color": WHITE, "stroke_width": 4},
        )
        self.play(Create(graph), run_time=1.2)
        self.play(graph.edges[(1, 3)].animate.set_color(RED), run_time=0.8)
        self.play(graph[4].animate.move_to([-3.5, -2.5, 0]))
        self.wait(0.6)
