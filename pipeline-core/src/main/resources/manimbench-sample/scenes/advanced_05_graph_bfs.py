from manim import *


class GraphBFS(Scene):
    def construct(self):
        vertices = [1, 2, 3, 4, 5, 6]
        edges = [(1, 2), (1, 3), (2, 4), (3, 4), (3, 5), (4, 6), (5, 6)]
        layout = {
            1: [-4, 0, 0],
            2: [-1.5, 1.5, 0],
            3: [-1.5, -1.5, 0],
            4: [1.5, 1.5, 0],
            5: [1.5, -1.5, 0],
            6: [4, 0, 0],
        }
        graph = Graph(
            vertices,
            edges,
            layout=layout,
            labels=True,
            vertex_config={"fill_color": GREY_B},
            edge_config={"stroke_color": GREY, "stroke_width": 4},
        ).shift(DOWN * 0.4)
        title = Text("BFS from vertex 1", font_size=36).to_edge(UP)
        self.play(Create(graph), Write(title), run_time=1.2)
        levels = [
            ([1], []),
            ([2, 3], [(1, 2), (1, 3)]),
            ([4, 5], [(2, 4), (3, 5)]),
            ([6], [(4, 6)]),
        ]
        for depth, (level_vertices, tree_edges) in enumerate(levels):
            self.play(
                *[graph[v].animate.set_fill(YELLOW, family=False) for v in level_vertices],
                *[graph.edges[e].animate.set_stroke(YELLOW, width=8) for e in tree_edges],
                run_time=0.6 if depth == 0 else 0.8,
            )
        self.wait(0.6)
