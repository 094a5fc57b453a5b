from manim import *


class CompleteGraph(Scene):
    def construct(self):
        vertices = [1, 2, 3, 4, 5]
        edges = [(u, v) for u in vertices for v in vertices if u < v]
        graph = Graph(
            vertices,
            edges,
            layout="circular",
            layout_scale=2.5,
            vertex_config={"radius": 0.2, "color": TEAL},
            edge_config={"stroke_color": GREY_B},
        )
        self.play(Create(graph), run_time=1.2)
        self.play(
            *[graph.edges[(1, v)].animate.set_color(YELLOW) for v in (2, 3, 4, 5)],
            graph[1].animate.set_color(YELLOW),
            run_time=0.8,
        )
        self.play(Rotate(graph, angle=PI / 5))
        self.wait(0.6)
