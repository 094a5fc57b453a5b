"""Warm Manim render worker: imports manim once, forks a child per render.

Runs inside the render sandbox (bubblewrap: read-only runtime, no network, empty
environment, size-limited tmpfs /scratch and /tmp as the only writable places). The Java
RenderWorker talks to it over stdin/stdout: one JSON request line in; one JSON result line
out, followed by the binary payloads ("blobs") it announces.

Trust: generated code runs only in the forked child, never in this process. Nothing the
child leaves in the file system is read as a result. The child reports over a pipe this
process created (frames as they are drawn, then one final message carrying a per-render
nonce), and this process decides the status from what it observes itself: the exit status,
signals, the wall clock, its watchdog, and whether that report is well formed, complete and
followed by a clean exit. A video is read from a path this process computes, without
following links, and decoded here after every process of the render is dead.
"""
import ast
import base64
import builtins
import ctypes
import errno
import gc
import hashlib
import inspect
import json
import math
import mmap
import os
import re
import resource
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
import traceback

PROTO_IN = os.fdopen(os.dup(0), "r", encoding="utf-8")
PROTO_OUT = os.fdopen(os.dup(1), "wb")
_devnull = os.open(os.devnull, os.O_RDWR)
os.dup2(_devnull, 0)
os.dup2(_devnull, 1)  # stray prints of manim must not corrupt the protocol

SETTINGS = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
# watchdog off: the benchmark's "sandbox off" arm, which measures what the sandbox costs
WATCHDOG = bool(SETTINGS.get("watchdog", True))

T0 = time.monotonic()
import numpy as np  # noqa: E402
import manim  # noqa: E402
from manim import config  # noqa: E402
from manim.constants import QUALITIES  # noqa: E402

IMPORT_S = time.monotonic() - T0
SCRATCH = SETTINGS.get("scratch", "/scratch")
TMP = SETTINGS.get("tmp", "/tmp")
WORK = os.path.join(SCRATCH, "work")
HOME = os.path.join(SCRATCH, "home")
OUT = os.path.join(WORK, "out")
SCENE_FILE = os.path.join(WORK, "scene.py")
SCENE_MODULE = "scene"
OUTPUT_NAME = "scene"
# Paths that exist nowhere in the read-only root: user folders of the worker's own helpers
# (TeX, Python, matplotlib) point there, so no render can plant files they would read.
NOWHERE = "/nonexistent"
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"

# Children may not read this process's memory or ptrace it (same uid otherwise allows it).
try:
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
except Exception:  # pragma: no cover - best effort, bwrap already isolates the sandbox
    pass


def send(obj, blobs=()):
    """One JSON line, then the announced payloads in order."""
    obj = dict(obj)
    if blobs:
        obj["blobs"] = [[name, len(data)] for name, data in blobs]
    PROTO_OUT.write(json.dumps(obj).encode("utf-8") + b"\n")
    for _, data in blobs:
        PROTO_OUT.write(data)
    PROTO_OUT.flush()


def frame_geometry(quality, width):
    """(width, height) of reward frames: the preset's pixels, or `width` wide with the preset's
    aspect (the height rounded to the nearest pixel). The host computes the same."""
    q = QUALITIES[quality]
    pw, ph = int(q["pixel_width"]), int(q["pixel_height"])
    if width and width < pw:
        step = pw / width
        return width, int(round(ph / step))
    return pw, ph


def video_geometry(quality, width):
    """(width, height) the decoder scales a video to (height rounded half up, as Java did)."""
    q = QUALITIES[quality]
    pw, ph = int(q["pixel_width"]), int(q["pixel_height"])
    if width and width < pw:
        return width, int(math.floor(ph * width / pw + 0.5))
    return pw, ph


def frame_stride(quality, fps):
    return max(1, int(round(float(QUALITIES[quality]["frame_rate"]) / float(fps))))


# ---------------------------------------------------------------------------- child side

CH_FRAME, CH_DONE, CH_ERROR = b"F", b"D", b"E"


class Channel:
    """The child's side of the result pipe: typed, length-prefixed records."""

    def __init__(self, fd, nonce):
        self.fd = fd
        self.nonce = nonce
        self.owner = os.getpid()

    def _write(self, kind, payload):
        # Only the render process reports. A process the scene forked runs this same code (a
        # fork bomb's children failing to fork, a child that renders on or raises): its report
        # would be a second one, and the render "tampered" instead of what it really hit.
        if os.getpid() != self.owner:
            return
        data = kind + struct.pack(">I", len(payload)) + payload
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def frame(self, height, width, pixels):
        self._write(CH_FRAME, struct.pack(">HH", height, width) + pixels)

    def done(self, fields):
        self._write(CH_DONE, json.dumps(dict(fields, nonce=self.nonce)).encode("utf-8"))

    def error(self, fields):
        self._write(CH_ERROR, json.dumps(dict(fields, nonce=self.nonce)).encode("utf-8"))


class FrameSink:
    """Sends rendered frames down the result pipe as they are drawn: per frame the luma plane,
    then Cb, then Cr (BT.601, full range, as ffmpeg's yuv444p with out_range=full).
    The frames come out of the renderer at the reward's resolution already (see child_main)."""

    # Rows: Y, Cb, Cr from R, G, B (JPEG's full-range BT.601); Cb and Cr are offset by 128.
    TO_YCBCR = np.array([[0.299, 0.587, 0.114],
                         [-0.168736, -0.331264, 0.5],
                         [0.5, -0.418688, -0.081312]], dtype=np.float32)
    OFFSET = np.array([0.5, 128.5, 128.5], dtype=np.float32).reshape(3, 1, 1)

    def __init__(self, channel):
        self.channel = channel
        self.count = 0

    def write(self, frame):
        rgb = np.asarray(frame)[:, :, :3].astype(np.float32)
        planes = np.einsum("cr,hwr->chw", self.TO_YCBCR, rgb) + self.OFFSET
        out = np.clip(planes, 0, 255).astype(np.uint8)
        self.channel.frame(out.shape[1], out.shape[2], out.tobytes())
        self.count += 1


class LayoutProbe:
    """Reads the layout from the scene itself at every sampled frame: mobjects that reach
    outside the visible frame, and text mobjects that overlap each other. Peers can only
    estimate these from pixels. Not applicable to 3D scenes, whose bounding boxes are not
    what the camera shows."""

    TOLERANCE = 0.05  # scene units a mobject may poke out before it counts as off-screen

    def __init__(self):
        self.frames = 0
        self.offscreen_frames = 0
        self.overlap_frames = 0
        self.max_offscreen = 0
        self.max_overlaps = 0
        self.applicable = True
        self.error = None

    def sample(self, scene):
        if not self.applicable:
            return
        try:
            if isinstance(scene, manim.ThreeDScene):
                self.applicable = False
                return
            self._sample(scene)
        except Exception as e:  # the probe must never fail a render
            self.applicable = False
            self.error = "%s: %s" % (type(e).__name__, e)

    def _sample(self, scene):
        frame = getattr(scene.renderer.camera, "frame", None)
        if frame is not None:  # MovingCameraScene: the camera frame moves and zooms
            cx, cy = frame.get_center()[:2]
            hw, hh = frame.width / 2, frame.height / 2
        else:
            cx, cy = scene.renderer.camera.frame_center[:2]
            hw, hh = config.frame_width / 2, config.frame_height / 2
        t = self.TOLERANCE
        offscreen = 0
        texts = []
        text_types = (manim.Text, manim.MarkupText, manim.SingleStringMathTex)
        for mob in scene.mobjects:
            if mob is frame or not any(m.has_points() for m in mob.get_family()):
                continue
            left, bottom = mob.get_corner(manim.DL)[:2]
            right, top = mob.get_corner(manim.UR)[:2]
            if left < cx - hw - t or right > cx + hw + t or bottom < cy - hh - t or top > cy + hh + t:
                offscreen += 1
            self._collect_texts(mob, text_types, texts)
        boxes = []
        for m in texts:
            (x0, y0), (x1, y1) = m.get_corner(manim.DL)[:2], m.get_corner(manim.UR)[:2]
            boxes.append((x0, y0, x1, y1))
        overlaps = 0
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                w = min(a[2], b[2]) - max(a[0], b[0])
                h = min(a[3], b[3]) - max(a[1], b[1])
                if w > 0 and h > 0:
                    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
                    if smaller > 0 and w * h > 0.1 * smaller:
                        overlaps += 1
        self.last = (offscreen, overlaps)
        self._count(offscreen, overlaps)

    def _count(self, offscreen, overlaps):
        self.frames += 1
        self.offscreen_frames += offscreen > 0
        self.overlap_frames += overlaps > 0
        self.max_offscreen = max(self.max_offscreen, offscreen)
        self.max_overlaps = max(self.max_overlaps, overlaps)

    def repeat_last(self):
        """A held frame (a static wait) shows what the last inspected frame showed."""
        if self.applicable and getattr(self, "last", None) is not None:
            self._count(*self.last)

    @staticmethod
    def _collect_texts(mob, text_types, out):
        """Outermost text mobjects only: a MathTex's own parts do not overlap it."""
        if isinstance(mob, text_types):
            if mob.width > 0 and mob.height > 0:
                out.append(mob)
            return
        for sub in mob.submobjects:
            LayoutProbe._collect_texts(sub, text_types, out)

    def report(self):
        score = None
        if self.applicable and self.frames:
            score = 1.0 - 0.5 * self.offscreen_frames / self.frames - 0.5 * self.overlap_frames / self.frames
        return {"applicable": self.applicable and self.frames > 0, "frames": self.frames,
                "offscreen_frames": self.offscreen_frames, "text_overlap_frames": self.overlap_frames,
                "max_offscreen_mobjects": self.max_offscreen, "max_text_overlaps": self.max_overlaps,
                "score": score, "error": self.error}


def install_frame_sampler(sink, stride, probe, beat):
    """Patches the Cairo renderer so that only sampled frames are drawn and kept."""
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene import Scene

    emitted = [0]
    probed = [False]

    def add_frame(self, frame, num_frames=1):
        if self.skip_animations:
            return
        beat()
        self.time += num_frames / self.camera.frame_rate
        for _ in range(num_frames):
            if emitted[0] % stride == 0:
                # One call holds a whole static wait (wait(300): 1500 sampled frames), which on a
                # busy machine takes longer than render.stall-seconds: every frame is progress.
                beat()
                sink.write(frame if frame is not None else self.get_frame())
                if probed[0]:
                    probed[0] = False
                else:
                    probe.repeat_last()
            emitted[0] += 1

    def render(self, scene, time, moving_mobjects):
        if emitted[0] % stride == 0:
            probe.sample(scene)
            probed[0] = True
            self.update_frame(scene, moving_mobjects)
            self.add_frame(self.get_frame())
        else:
            self.add_frame(None)  # advance the timeline without drawing

    def drawn_next():
        return emitted[0] % stride == 0

    def update_to_time(self, t):
        # A frame that is never drawn need not be computed. The drawn frames keep the video's
        # times (the timeline still advances frame by frame), animations interpolate to the same
        # alpha, and updaters get the elapsed time since the last drawn frame as one dt: a
        # dt-linear updater lands where it would have; one that samples per call (TracedPath)
        # sees a fifth of the calls. Every frame is computed where something else depends on
        # it: a skipped section (nothing is rendered, so nothing would advance) and a
        # wait_until-style stop condition (checked after every frame).
        if drawn_next() or self.renderer.skip_animations or self.stop_condition is not None:
            scene_update_to_time(self, t)

    CairoRenderer.add_frame = add_frame
    CairoRenderer.render = render
    scene_update_to_time = Scene.update_to_time
    Scene.update_to_time = update_to_time


def install_drawing_shortcuts():
    """Faster equivalents of manim's hottest geometry queries, with bit-identical results.

    Drawing a 3D scene is mostly Python: every frame, each face's bounding-box centre (for the
    depth sort) and its corner normals (for shading, once for the fill and again for the
    stroke) are computed from a list of anchor points built row by row. Here the bounding box
    comes from whole arrays (min and max are exact, so the values are the same), and a face's
    normals and the 3D axes' shading points are computed once per drawn frame (the camera
    draws without moving anything). Anything that overrides the methods involved, or shape
    errors manim would raise, takes manim's own code."""
    from manim.camera.camera import Camera
    from manim.constants import UP
    import manim.camera.three_d_camera as three_d_camera
    from manim.mobject.mobject import Mobject
    from manim.mobject.types.vectorized_mobject import VMobject
    import manim.mobject.three_d.three_d_utils as three_d_utils
    from manim.mobject.graphing.coordinate_systems import ThreeDAxes

    stock_boundary = VMobject.get_points_defining_boundary
    stock_extremum = Mobject.get_extremum_along_dim
    stock_anchors = VMobject.get_anchors
    stock_critical = Mobject.get_critical_point
    drawing = [None]  # the memo of the frame being drawn; None between frames

    def anchors_array(vm):
        """VMobject.get_anchors as one array, or None where manim's own would differ or raise."""
        if type(vm).get_anchors is not stock_anchors or type(vm).get_start_anchors is not VMobject.get_start_anchors \
                or type(vm).get_end_anchors is not VMobject.get_end_anchors:
            return None
        pts = vm.points
        if pts.shape[0] == 1:
            return pts
        nppcc = vm.n_points_per_cubic_curve
        s, e = pts[::nppcc], pts[nppcc - 1::nppcc]
        if len(s) != len(e) or pts.ndim != 2:
            return None  # manim's strict zip raises: let it
        out = np.empty((2 * len(s), pts.shape[1]), dtype=pts.dtype)
        out[0::2] = s
        out[1::2] = e
        return out

    def critical_point(self, direction):
        cls = type(self)
        if cls.get_points_defining_boundary is not stock_boundary or cls.get_extremum_along_dim is not stock_extremum:
            return stock_critical(self, direction)
        parts = []
        for sm in self.get_family():
            a = anchors_array(sm)
            if a is None:
                return stock_critical(self, direction)
            if len(a):
                parts.append(a)
        result = np.zeros(self.dim)
        if not parts:
            return result
        pts = np.concatenate(parts) if len(parts) > 1 else np.asarray(parts[0])
        if pts.ndim != 2 or pts.shape[1] < self.dim:
            return stock_critical(self, direction)
        lows, highs = pts.min(axis=0), pts.max(axis=0)
        for dim in range(self.dim):
            key = np.array(direction[dim])
            if key < 0:
                result[dim] = lows[dim]
            elif key == 0:
                result[dim] = (lows[dim] + highs[dim]) / 2
            else:
                result[dim] = highs[dim]
        return result

    def memo(key, compute):
        m = drawing[0]
        if m is None:
            return compute()
        hit = m.get(key[1:])
        if hit is not None and hit[0] is key[0]:
            return hit[1]
        value = compute()
        m[key[1:]] = (key[0], value)  # holds the object: no id is reused within the frame
        return value

    def unit_normal(vm, point_index):
        def compute():
            a = anchors_array(vm)
            if a is None or type(vm).get_num_points is not Mobject.get_num_points:
                return three_d_utils.get_3d_vmob_unit_normal(vm, point_index)
            n_points = vm.get_num_points()
            if len(a) <= 2:
                return np.array(UP)
            i = point_index
            im3 = i - 3 if i > 2 else (n_points - 4)
            ip3 = i + 3 if i < (n_points - 3) else 3
            normal = three_d_utils.get_unit_normal(vm.points[ip3] - vm.points[i], vm.points[im3] - vm.points[i])
            if np.linalg.norm(normal) == 0:
                return np.array(UP)
            return normal
        return memo((vm, id(vm), "normal", point_index), compute)

    def start_normal(vm):
        return unit_normal(vm, three_d_utils.get_3d_vmob_start_corner_index(vm))

    def end_normal(vm):
        return unit_normal(vm, three_d_utils.get_3d_vmob_end_corner_index(vm))

    stock_capture = Camera.capture_mobjects

    def capture_mobjects(self, mobjects, **kwargs):
        outer = drawing[0]
        drawing[0] = {}
        try:
            return stock_capture(self, mobjects, **kwargs)
        finally:
            drawing[0] = outer

    def set_axis_shading(self):
        def make_func(axis):
            vect = self.light_source
            return lambda: memo((axis, id(axis), "axis-shading"),
                                lambda: (axis.get_edge_center(-vect), axis.get_edge_center(vect)))

        for axis in self:
            for submob in axis.family_members_with_points():
                submob.get_gradient_start_and_end_points = make_func(axis)
                submob.get_unit_normal = lambda a: np.ones(3)
                submob.set_sheen(0.2)

    Mobject.get_critical_point = critical_point
    three_d_camera.get_3d_vmob_start_corner_unit_normal = start_normal
    three_d_camera.get_3d_vmob_end_corner_unit_normal = end_normal
    Camera.capture_mobjects = capture_mobjects
    ThreeDAxes._set_axis_shading = set_axis_shading


def install_heartbeat(beat):
    """Progress the worker's stall watchdog can see: every frame (see the sampler) and every
    mobject built. A scene that does neither for render.stall-seconds is spinning or asleep."""
    from manim.mobject.mobject import Mobject
    from manim.renderer.cairo_renderer import CairoRenderer

    init = Mobject.__init__

    def counted_init(self, *args, **kwargs):
        beat()
        init(self, *args, **kwargs)

    Mobject.__init__ = counted_init
    add_frame = CairoRenderer.add_frame

    def counted_add_frame(self, frame, num_frames=1):
        # A static wait hands all its frames to one call; in chunks of a second's frames each
        # chunk is progress, so a long wait is not taken for a stall while it is encoded.
        chunk = max(1, int(self.camera.frame_rate))
        while num_frames > chunk:
            beat()
            add_frame(self, frame, chunk)
            num_frames -= chunk
        beat()
        return add_frame(self, frame, num_frames)

    CairoRenderer.add_frame = counted_add_frame


# ------------------------------------------------------------- LaTeX through the worker

TEX_TIMEOUT_S = 60
TEX_MAX_MESSAGE = 8 * 1024 * 1024


def write_message(fd, obj):
    data = json.dumps(obj).encode("utf-8")
    os.write(fd, struct.pack(">I", len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_exact(fd, n, deadline=None):
    chunks = []
    while n > 0:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("message not complete in time")
        chunk = os.read(fd, min(n, 1 << 16))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_message(fd, deadline=None):
    (size,) = struct.unpack(">I", read_exact(fd, 4, deadline))
    if size > TEX_MAX_MESSAGE:
        raise ValueError("message of %d bytes is too large" % size)
    return json.loads(read_exact(fd, size, deadline).decode("utf-8"))


def install_tex_client(req_fd, resp_fd, beat):
    """Routes manim's LaTeX compilation to the worker, which caches what it compiled.

    The cache lives in the worker's memory, which generated code cannot reach, and entries
    are compiled by the worker itself while every process of the render is stopped, so a
    render can neither poison the cache nor tamper with a compilation in progress.
    """
    import manim.mobject.text.tex_mobject as tex_mobject
    from pathlib import Path

    def tex_to_svg_file(expression, environment=None, tex_template=None):
        if tex_template is None:
            tex_template = config["tex_template"]
        if environment is not None:
            source = tex_template.get_texcode_for_expression_in_env(expression, environment)
        else:
            source = tex_template.get_texcode_for_expression(expression)
        write_message(req_fd, {"source": source, "compiler": tex_template.tex_compiler,
                               "format": tex_template.output_format})
        reply = read_message(resp_fd)
        beat()
        if not reply.get("ok"):
            for line in reply.get("log", []):
                print(line, file=sys.stderr)
            log = reply.get("log") or []
            # The first LaTeX error goes into the exception itself: the last stderr lines
            # (all a model is shown) end with it.
            raise ValueError(reply.get("error", "LaTeX compilation failed")
                             + (" " + " / ".join(log[:2]) if log else ""))
        tex_dir = Path(config.get_dir("tex_dir"))
        tex_dir.mkdir(parents=True, exist_ok=True)
        svg = tex_dir / (reply["key"][:32] + ".svg")
        svg.write_bytes(base64.b64decode(reply["svg"]))
        return svg

    tex_mobject.tex_to_svg_file = tex_to_svg_file


def scene_line(tb):
    """Line of the innermost traceback frame in the generated file (matched by its full path,
    so manim's own scene/scene.py never matches); for an exception raised inside manim this
    is the generated line that called into it."""
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == SCENE_FILE:
            line = frame.lineno
    return line


NPROC_HEADROOM = 8


def set_limits(req):
    cpu = int(req["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    fsize = int(req["max_file_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = int(req["max_processes"])
    if nproc > 0:  # 0: the sandbox shares its uid with the JVM, where the count is meaningless
        # RLIMIT_NPROC counts every process of the uid, this render's parent (the worker)
        # included, and only makes fork fail. At exactly the watchdog's limit the render's
        # tree could never pass that limit, and a fork bomb would spin on failing forks until
        # the stall watchdog called it a stall. A little above it, the watchdog sees the bomb
        # and names it; the rlimit stays the backstop between two of its looks.
        nproc += NPROC_HEADROOM
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    # The address space already holds the manim import; the limit is on top of it.
    with open("/proc/self/status") as f:
        vm_kb = next(int(l.split()[1]) for l in f if l.startswith("VmSize:"))
    mem = vm_kb * 1024 + int(req["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))


def pick_scene(namespace, wanted):
    scenes = [v for v in namespace.values()
              if isinstance(v, type) and issubclass(v, manim.Scene)
              and getattr(v, "__module__", None) == SCENE_MODULE]
    names = sorted(s.__name__ for s in scenes)
    if wanted:
        for s in scenes:
            if s.__name__ == wanted:
                return s, None
        return None, ("no_scene", "no Scene subclass named %s; found: %s" % (wanted, names or "none"))
    if not scenes:
        return None, ("no_scene", "the code defines no Scene subclass")
    if len(scenes) > 1:
        return None, ("multiple_scenes", "several Scene subclasses %s; name the one to render" % names)
    return scenes[0], None


def child_main(req, nonce, chan_fd, err_fd, tex_fds, heart):
    """Runs in the forked child: sets the render's limits, then the generated code."""
    os.setsid()
    # A fork inherits the worker's "not dumpable" (see the top), and the /proc files of a
    # process that is not dumpable are closed to other processes of its uid: the watchdog,
    # without capabilities, could then read neither smaps_rollup nor stat of the render's
    # forked processes, and would count none of their memory or CPU. This process holds
    # nothing the render may not see (its own nonce included); the worker stays not dumpable.
    ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE = 1
    # This process's copy of the worker's LaTeX cache holds earlier renders' formulas and their
    # SVGs; the render asks the worker for compilations and needs none of it.
    TEX_CACHE.clear()
    TEX_FORMATS.clear()
    try:
        PROTO_IN.close()
        PROTO_OUT.close()
    except Exception:
        pass
    os.chdir(WORK)
    os.dup2(_devnull, 1)
    os.dup2(err_fd, 2)
    os.close(err_fd)
    sys.stdout = open(os.devnull, "w")
    sys.stderr = os.fdopen(2, "w", buffering=1, errors="backslashreplace")
    # A fresh home and temp folder per render, emptied by the worker before it started.
    os.environ.clear()
    os.environ.update({"PATH": SAFE_PATH, "HOME": HOME, "TMPDIR": TMP, "LC_ALL": "C.UTF-8",
                       "MPLCONFIGDIR": os.path.join(HOME, ".config", "matplotlib"),
                       "PYTHONDONTWRITEBYTECODE": "1"})
    tempfile.tempdir = None
    channel = Channel(chan_fd, nonce)
    counter = ctypes.c_uint64.from_buffer(heart)

    def beat():
        counter.value += 1

    set_limits(req)
    install_tex_client(*tex_fds, beat)
    install_heartbeat(beat)
    if req.get("drawing_shortcuts", True):
        install_drawing_shortcuts()
    source = req["code"]
    try:
        code = compile(source, SCENE_FILE, "exec")
    except (SyntaxError, ValueError) as e:
        traceback.print_exc()
        channel.error({"status": "syntax_error", "exception_type": type(e).__name__,
                       "error_line": getattr(e, "lineno", None), "message": str(e)[:2000]})
        return 0
    except MemoryError:
        channel.error({"status": "resource_limit", "exception_type": "MemoryError",
                       "message": "memory limit while compiling"})
        return 0

    profile = req["profile"]
    config.media_dir = os.path.join(WORK, "media")
    # Outputs go where the worker will look for them: it computes these paths itself.
    config.video_dir = OUT
    config.images_dir = OUT
    config.output_file = OUTPUT_NAME
    config.quality = req.get("quality", "low_quality")
    config.disable_caching = True
    config.progress_bar = "none"
    config.verbosity = "WARNING"
    sink = None
    probe = None
    if profile == "frames":
        # The reward profile. The scene advances on the video's own timeline (the quality's
        # frame rate, so updaters and rate functions see the same times as in the MP4), but
        # only every stride-th frame is computed and drawn (see install_frame_sampler), and no
        # video is encoded to be decoded again.
        # Rendering natively at the sampling rate instead would shift the timeline wherever
        # a run_time is not a multiple of the sampling step (and manim truncates wait
        # lengths with int(duration / dt)).
        config.write_to_movie = False
        config.save_last_frame = False
        stride = frame_stride(config.quality, req["fps"])
        # Drawn at the reward's resolution, not drawn large and shrunk: Cairo draws in scene
        # units (stroke widths included), so a narrower canvas is the same picture, smaller.
        config.pixel_width, config.pixel_height = frame_geometry(config.quality, int(req.get("frame_width") or 0))
        sink = FrameSink(channel)
        probe = LayoutProbe()
        install_frame_sampler(sink, stride, probe, beat)
    else:
        config.write_to_movie = True
    namespace = {"__name__": SCENE_MODULE, "__file__": SCENE_FILE}
    started = time.monotonic()
    scene_name = None
    try:
        exec(code, namespace)
        cls, problem = pick_scene(namespace, req.get("scene"))
        if problem:
            channel.error({"status": problem[0], "message": problem[1]})
            return 0
        scene_name = cls.__name__
        scene = cls()
        scene.render()
        result = {"scene": scene_name, "duration_s": float(scene.renderer.time),
                  "num_plays": int(scene.renderer.num_plays), "render_s": time.monotonic() - started}
        if sink is not None:
            if sink.count == 0:
                # A scene without animation: its single still image.
                probe.sample(scene)
                scene.renderer.update_frame(scene)
                sink.write(scene.renderer.get_frame())
            result["layout"] = probe.report()
            result["frame_count"] = sink.count
    except MemoryError as e:
        traceback.print_exc()
        channel.error({"status": "resource_limit", "exception_type": "MemoryError", "scene": scene_name,
                       "error_line": scene_line(e.__traceback__), "message": "memory limit exceeded"})
        return 0
    except BaseException as e:  # generated code may raise anything, SystemExit included
        traceback.print_exc()
        status, message = "runtime_error", str(e)[:2000]
        if isinstance(e, BlockingIOError) and e.errno == errno.EAGAIN:
            # What fork (os.fork, subprocess, multiprocessing) raises at the process limit, as
            # MemoryError is what an allocation raises at the memory limit. A fork bomb's first
            # process usually dies of it before the watchdog has counted the tree (its copies
            # die of it too, and the count falls back under the limit).
            status, message = "resource_limit", "process limit: a fork was refused (render.max-processes)"
        elif isinstance(e, OSError) and e.errno in (errno.EFBIG, errno.ENOSPC):
            # Python ignores SIGXFSZ: a write past RLIMIT_FSIZE (or into the full tmpfs) ends here.
            status, message = "resource_limit", ("file size limit exceeded" if e.errno == errno.EFBIG
                                                 else "scratch space exhausted (render.scratch-mb)")
        channel.error({"status": status, "exception_type": type(e).__name__, "scene": scene_name,
                       "error_line": scene_line(e.__traceback__), "message": message})
        return 0
    channel.done(result)
    return 0


TEX_CACHE = {}
TEX_CACHE_BYTES = [0]
TEX_CACHE_MAX_BYTES = 256 * 1024 * 1024
TEX_STATS = {"hits": 0, "compiles": 0, "formats": 0}
# Preloaded LaTeX formats, by the SHA-256 of a template's preamble: the preamble's packages loaded
# once (mylatexformat) instead of at every compilation, about 0.1 s of a formula's 0.3 s. The bytes
# live here, in the worker's memory, and are written into each compilation's fresh private folder
# while the render is stopped, so no render can alter a format later compilations load. None: the
# preamble could not be dumped; such formulas compile as before.
TEX_FORMATS = {}
TEX_FORMATS_MAX = 8
BEGIN_DOCUMENT = "\\begin{document}"


def other_pids():
    if not IN_OWN_PID_NAMESPACE:
        raise RuntimeError("the render worker is not in a PID namespace of its own")
    me = os.getpid()
    return {int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) not in (1, me)}


def freeze_others():
    """SIGSTOPs every other process of the sandbox (stopped ones cannot fork more)."""
    frozen = set()
    for _ in range(5):
        fresh = other_pids() - frozen
        if not fresh:
            break
        for pid in fresh:
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass
        frozen |= fresh
    return frozen


def thaw(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def tex_errors(log_path):
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return []
    out = []
    for i, line in enumerate(lines):
        if line.startswith("!"):
            out.append("LaTeX compilation error: " + line[2:].rstrip())
            out.extend(l.rstrip() for l in lines[i + 1:i + 4] if l.strip())
    return out[:20]


def tex_env(work):
    """Environment of the worker's own LaTeX runs: no per-user TeX or home folder a render
    could have planted files in; writes only in the private compile folder."""
    return {"PATH": SAFE_PATH, "HOME": NOWHERE, "LC_ALL": "C.UTF-8", "TEXMFHOME": NOWHERE,
            "TEXMFCONFIG": NOWHERE, "TEXMFVAR": str(work), "openout_any": "p", "shell_escape": "f"}


def preamble_format(source, work, timeout):
    """The preloaded format of the source's preamble (bytes), built on first use; None when the
    preamble cannot be dumped or too many formats are held."""
    i = source.find(BEGIN_DOCUMENT)
    if i < 0:
        return None
    preamble = source[:i]
    key = hashlib.sha256(preamble.encode("utf-8", "surrogatepass")).hexdigest()
    if key in TEX_FORMATS:
        return TEX_FORMATS[key]
    if len(TEX_FORMATS) >= TEX_FORMATS_MAX:
        return None
    built = None
    pre = work / "pre.tex"
    pre.write_text(preamble + BEGIN_DOCUMENT + "\n\\end{document}\n", encoding="utf-8")
    try:
        code = run_tex(["etex", "-ini", "-interaction=batchmode", "-halt-on-error", "-jobname=pre",
                        "&latex", "mylatexformat.ltx", pre.name], work, timeout)
        out = work / "pre.fmt"
        if code == 0 and out.exists():
            built = out.read_bytes()
    except OSError:
        built = None
    for f in work.iterdir():  # the compilation proper finds its folder as it was
        f.unlink()
    TEX_FORMATS[key] = built
    TEX_STATS["formats"] += built is not None
    return built


def run_tex(cmd, work, timeout):
    """(returncode, or None when it ran out of time). Waits on a pidfd: subprocess's own wait
    with a timeout polls with sleeps of up to 50 ms, which, twice per formula, was a fifth of
    a formula's compile time."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            cwd=work, env=tex_env(work))
    pidfd = os.pidfd_open(proc.pid)
    try:
        if not select.select([pidfd], [], [], timeout)[0]:
            proc.kill()
            proc.wait()
            return None
        return proc.wait()
    finally:
        os.close(pidfd)


def compile_tex_trusted(source, compiler, fmt, timeout=TEX_TIMEOUT_S, formats=True):
    """Compiles one LaTeX source to SVG in a private folder; returns (ok, svg|error, log)."""
    from manim.utils.tex_file_writing import make_tex_compilation_command
    from pathlib import Path

    compilers = [compiler] if isinstance(compiler, str) else list(compiler)
    if not compilers or any(c not in ("latex", "pdflatex", "luatex", "lualatex", "xelatex") for c in compilers):
        return False, "unsupported TeX compiler %r" % (compiler,), []
    if fmt not in (".dvi", ".xdv", ".pdf"):
        return False, "unsupported TeX output format %r" % (fmt,), []
    work = Path(tempfile.mkdtemp(prefix="tex-", dir=TMP))
    started = time.monotonic()
    try:
        tex_file = work / "expr.tex"
        preloaded = preamble_format(source, work, timeout) if formats and compilers == ["latex"] and fmt == ".dvi" \
            else None
        tex_file.write_text(source, encoding="utf-8")
        if preloaded is not None:
            (work / "pre.fmt").write_bytes(preloaded)
            cmd = make_tex_compilation_command("latex", fmt, tex_file, work)
            cmd.insert(1, "-fmt=pre")
            left = max(1.0, timeout - (time.monotonic() - started))
            if run_tex(cmd, work, left) == 0:
                compilers = []  # done; a failure is compiled again the plain way, for its usual log
            else:
                for f in work.iterdir():
                    if f.name != "expr.tex":
                        f.unlink()
        for c in compilers:
            cmd = make_tex_compilation_command(c, fmt, tex_file, work)
            code = run_tex(cmd, work, max(1.0, timeout - (time.monotonic() - started)))
            if code is None:
                return False, "%s timed out after %d s" % (c, timeout), []
            if code != 0:
                return False, "%s error converting to %s:" % (c, fmt[1:]), tex_errors(work / "expr.log")
        out = work / ("expr" + fmt)
        svg = work / "expr.svg"
        cmd = ["dvisvgm", *(["--pdf"] if fmt == ".pdf" else []), "--page=1", "--no-fonts",
               "--verbosity=0", "--output=" + svg.as_posix(), out.as_posix()]
        if run_tex(cmd, work, max(1.0, timeout - (time.monotonic() - started))) is None:
            return False, "dvisvgm timed out", []
        if not svg.exists():
            return False, "dvisvgm could not convert %s to SVG" % fmt, []
        return True, svg.read_bytes(), []
    finally:
        shutil.rmtree(work, ignore_errors=True)


def serve_tex(req_fd, resp_fd, deadline, formats=True):
    msg = read_message(req_fd, deadline)
    source, compiler, fmt = msg["source"], msg["compiler"], msg["format"]
    if not isinstance(source, str):
        raise ValueError("bad TeX request")
    key = hashlib.sha256(json.dumps([compiler, fmt, source]).encode("utf-8")).hexdigest()
    entry = TEX_CACHE.get(key)
    if entry is None:
        frozen = freeze_others()
        try:
            left = max(1.0, min(TEX_TIMEOUT_S, deadline - time.monotonic()))
            entry = compile_tex_trusted(source, compiler, fmt, left, formats)
        finally:
            thaw(frozen)
        TEX_STATS["compiles"] += 1
        size = len(entry[1]) if entry[0] else 0
        if TEX_CACHE_BYTES[0] + size > TEX_CACHE_MAX_BYTES:
            TEX_CACHE.clear()
            TEX_CACHE_BYTES[0] = 0
        TEX_CACHE[key] = entry
        TEX_CACHE_BYTES[0] += size
    else:
        TEX_STATS["hits"] += 1
    ok, payload, log = entry
    if ok:
        reply = {"ok": True, "key": key, "svg": base64.b64encode(payload).decode("ascii")}
    else:
        reply = {"ok": False, "key": key, "error": payload, "log": log}
    write_message(resp_fd, reply)


# --------------------------------------------------------------------------- parent side

WIPE_MAX_ENTRIES = 20000
CLK_TCK = os.sysconf("SC_CLK_TCK")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,199}")
EXC_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,199}")
FAILURE_STATUSES = {"syntax_error", "runtime_error", "no_scene", "multiple_scenes", "resource_limit"}
REPORT_MAX_BYTES = 64 * 1024
STDERR_KEEP_BYTES = 64 * 1024


# The worker runs as the child of bwrap's init in a PID namespace of its own: then every other
# process it can see belongs to its sandbox. Outside one (a misconfigured launch) it must never
# signal what it sees, which would be the host's processes.
IN_OWN_PID_NAMESPACE = os.getppid() == 1


def kill_strays():
    """Kill every process of this sandbox but its init and this worker, until none is left;
    False when some survived 5 s of it (the worker must then be replaced).

    One pass over a listing of /proc is not enough: a process that forks between the listing
    and its own kill (a pid-hopping daemon: fork, parent exits, repeat) leaves a child nobody
    listed, which then lives on into the next render. kill(-1) signals every process this uid
    may signal in the sandbox's own PID namespace, this one and init excepted, in one step
    that a concurrent fork cannot slip past; it is repeated until /proc shows nobody else."""
    if not IN_OWN_PID_NAMESPACE:
        raise RuntimeError("the render worker is not in a PID namespace of its own; refusing to kill strays")
    me = os.getpid()
    deadline = time.monotonic() + 5.0
    while True:
        others = [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) not in (1, me)]
        if not others:
            return True
        try:
            os.kill(-1, signal.SIGKILL)  # only this PID namespace: checked above
        except OSError:
            pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass  # strays are init's children: it reaps them
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)


def _make_removable(root):
    """Gives back owner permissions a render may have taken from its own folders; False
    when the tree is too large to wipe (the worker is then replaced: a fresh tmpfs)."""
    stack, seen = [root], 0
    while stack:
        d = stack.pop()
        try:
            os.chmod(d, 0o700)
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            seen += 1
            if seen > WIPE_MAX_ENTRIES:
                return False
            if e.is_dir(follow_symlinks=False):
                stack.append(e.path)
    return True


def wipe_scratch():
    """Empties /scratch and /tmp (both tmpfs mount points, so only their contents go);
    False when something is left, and the worker must then be replaced."""
    for root in (SCRATCH, TMP):
        for name in os.listdir(root):
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if not _make_removable(path):
                    return False
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
        if os.listdir(root):
            return False
    return True


def scratch_is_empty():
    return not os.listdir(SCRATCH) and not os.listdir(TMP)


def tail_lines(data, n):
    lines = bytes(data).decode("utf-8", "replace").splitlines()
    return [l[:500] for l in lines if l.strip()][-n:]


def signal_status(sig):
    if sig == signal.SIGXCPU:
        return "resource_limit", "CPU time limit exceeded"
    if sig == signal.SIGXFSZ:
        return "resource_limit", "file size limit exceeded"
    return "runtime_error", "killed by signal %s" % signal.Signals(sig).name


def open_beneath(root, rel):
    """Opens root/rel for reading without following a link anywhere on the way, and only
    if it is a regular file (a FIFO or device there would block or never end)."""
    parts = [p for p in rel.split("/") if p]
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for p in parts[:-1]:
            nxt = os.open(p, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
        out = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
    finally:
        os.close(fd)
    if not stat.S_ISREG(os.fstat(out).st_mode):
        os.close(out)
        raise OSError("not a regular file: %s/%s" % (root, rel))
    return out


def read_bounded(fd, limit):
    size = os.fstat(fd).st_size
    if size > limit:
        raise OSError("%d bytes, over the limit of %d" % (size, limit))
    chunks, total = [], 0
    while True:
        chunk = os.pread(fd, min(1 << 20, limit + 1 - total), total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise OSError("grew past the limit of %d bytes" % limit)
    return b"".join(chunks)


def decode_video(fd, still, fps, width, height, max_frames):
    """Frames at `fps` from the render's video (or still image), scaled to the expected
    size whatever the file claims, and at most `max_frames` of them; planar Y, Cb, Cr per frame."""
    scale = "scale=%d:%d,scale=in_range=auto:out_range=full,format=yuv444p" % (width, height)
    vf = scale if still else "fps=%s,%s" % (fps, scale)
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-i", "/dev/fd/%d" % fd, "-frames:v",
           "1" if still else str(max_frames), "-vf", vf, "-f", "rawvideo", "-pix_fmt", "yuv444p", "pipe:1"]
    cp = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        pass_fds=(fd,), timeout=120, cwd=TMP,
                        env={"PATH": SAFE_PATH, "HOME": NOWHERE, "LC_ALL": "C.UTF-8"})
    if cp.returncode != 0:
        raise OSError("ffmpeg could not decode the render's %s: %s"
                      % ("image" if still else "video", cp.stderr.decode("utf-8", "replace").strip()[-300:]))
    return cp.stdout


def clean_layout(layout):
    """The layout report, if every field has the type and range it must have; else None."""
    if not isinstance(layout, dict):
        return None
    out = {}
    for key in ("frames", "offscreen_frames", "text_overlap_frames", "max_offscreen_mobjects", "max_text_overlaps"):
        v = layout.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 10 ** 7:
            return None
        out[key] = v
    if not isinstance(layout.get("applicable"), bool):
        return None
    out["applicable"] = layout["applicable"]
    score = layout.get("score")
    if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool)
                              or not 0.0 <= float(score) <= 1.0):
        return None
    out["score"] = None if score is None else float(score)
    return out


class Supervisor:
    """Watches one render from the worker's side and decides its result."""

    def __init__(self, req, pid, nonce, chan_r, err_r, tex_r, tex_w, heart):
        self.req = req
        self.pid = pid
        self.nonce = nonce
        self.chan_r, self.err_r, self.tex_r, self.tex_w = chan_r, err_r, tex_r, tex_w
        self.heart = ctypes.c_uint64.from_buffer(heart)
        self.quality = req.get("quality", "low_quality")
        self.profile = req["profile"]
        self.expected = frame_geometry(self.quality, int(req.get("frame_width") or 0))
        self.max_frames = int(req.get("max_frames", 1500))
        self.frames = bytearray()
        self.frame_count = 0
        self.buf = bytearray()
        self.final = None
        self.tampered = None
        self.verdict = None
        self.err_tail = bytearray()
        self.err_total = 0
        self.err_cap = int(req["max_file_mb"]) * 1024 * 1024
        self.peak = {"processes": 0, "memory_mb": 0.0, "cpu_s": 0.0}

    # ---- the result pipe
    def tamper(self, why):
        if self.tampered is None:
            self.tampered = why

    def read_channel(self):
        try:
            data = os.read(self.chan_r, 1 << 20)
        except BlockingIOError:
            return True
        if not data:
            return False
        if self.tampered is None:
            self.buf += data
            self.parse()
        return True

    def parse(self):
        buf = self.buf
        while len(buf) >= 5 and self.tampered is None and self.verdict is None:
            if self.final is not None:
                self.tamper("data after the final report")
                return
            kind = bytes(buf[0:1])
            (n,) = struct.unpack_from(">I", buf, 1)
            if kind == CH_FRAME:
                if self.profile != "frames":
                    self.tamper("frames sent in the video profile")
                    return
                if n < 4 or n > 4 + 65535 * 65535:
                    self.tamper("a frame record of %d bytes" % n)
                    return
            elif kind in (CH_DONE, CH_ERROR):
                if n > REPORT_MAX_BYTES:
                    self.tamper("a report of %d bytes" % n)
                    return
            else:
                self.tamper("an unknown record type %r" % kind)
                return
            if len(buf) < 5 + n:
                return
            payload = bytes(buf[5:5 + n])
            del buf[:5 + n]
            if kind == CH_FRAME:
                self.on_frame(payload)
            else:
                self.on_report(kind, payload)

    def on_frame(self, payload):
        h, w = struct.unpack_from(">HH", payload, 0)
        if (w, h) != self.expected or len(payload) != 4 + 3 * w * h:
            self.verdict = ("runtime_error", "frames of %dx%d (%d bytes), expected %dx%d in three planes: the scene"
                            " changed the output resolution" % (w, h, len(payload) - 4, self.expected[0],
                                                                self.expected[1]))
            return
        self.frame_count += 1
        if self.frame_count > self.max_frames:
            self.verdict = ("resource_limit", "more than %d frames (render.max-frames)" % self.max_frames)
            return
        self.frames += memoryview(payload)[4:]

    def on_report(self, kind, payload):
        try:
            obj = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self.tamper("a report that is not JSON")
            return
        if not isinstance(obj, dict) or obj.get("nonce") != self.nonce:
            self.tamper("a report without this render's nonce")
            return
        self.final = (kind, obj)

    # ---- stderr
    def read_stderr(self):
        try:
            data = os.read(self.err_r, 1 << 16)
        except BlockingIOError:
            return True
        if not data:
            return False
        self.err_total += len(data)
        self.err_tail += data
        if len(self.err_tail) > STDERR_KEEP_BYTES:
            del self.err_tail[:-STDERR_KEEP_BYTES]
        if self.err_total > self.err_cap and self.verdict is None:
            self.verdict = ("resource_limit", "stderr flood: more than %d MB written to stderr"
                            % (self.err_cap // (1024 * 1024)))
        return True

    # ---- the watchdog: limits on the render's whole process tree, and progress
    def check_tree(self, heavy):
        pids = other_pids()
        self.peak["processes"] = max(self.peak["processes"], len(pids))
        limit = int(self.req.get("tree_max_processes") or 0)
        if limit and len(pids) > limit:
            return ("resource_limit", "more than %d processes in the render's tree (fork bomb?): all killed" % limit)
        if not heavy:
            return None
        private_kb, ticks = 0, 0
        for p in pids:
            try:
                with open("/proc/%d/smaps_rollup" % p, "rb") as f:
                    for line in f:
                        if line.startswith(b"Private_"):
                            private_kb += int(line.split()[1])
                with open("/proc/%d/stat" % p, "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                ticks += sum(int(x) for x in fields[11:15])
            except (OSError, ValueError, IndexError):
                continue
        mem_mb = private_kb / 1024.0
        cpu_s = ticks / float(CLK_TCK)
        self.peak["memory_mb"] = max(self.peak["memory_mb"], round(mem_mb, 1))
        self.peak["cpu_s"] = max(self.peak["cpu_s"], round(cpu_s, 2))
        if mem_mb > int(self.req["memory_mb"]):
            return ("resource_limit", "the render's processes hold %.0f MB together, over render.memory-mb = %d"
                    % (mem_mb, int(self.req["memory_mb"])))
        if cpu_s > int(self.req["cpu_seconds"]):
            return ("resource_limit", "the render's processes used %.0f CPU seconds together, over"
                    " render.cpu-seconds = %d" % (cpu_s, int(self.req["cpu_seconds"])))
        return None

    def run(self):
        started = time.monotonic()
        timeout = float(self.req["timeout_seconds"])
        stall = float(self.req.get("stall_seconds") or 0)
        deadline = started + timeout
        pidfd = os.pidfd_open(self.pid)
        for fd in (self.chan_r, self.err_r):
            os.set_blocking(fd, False)
        watched = [pidfd, self.chan_r, self.err_r, self.tex_r]
        last_beat, last_progress, next_heavy = 0, started, started
        exited = False
        while True:
            now = time.monotonic()
            if now >= deadline:
                self.verdict = ("timeout", "wall-clock timeout of %.0f s" % timeout)
                break
            ready = select.select(watched, [], [], min(0.1, deadline - now))[0]
            if self.chan_r in ready and not self.read_channel():
                watched.remove(self.chan_r)
            if self.err_r in ready and not self.read_stderr():
                watched.remove(self.err_r)
            if self.tex_r in ready:
                try:
                    serve_tex(self.tex_r, self.tex_w, deadline, bool(self.req.get("latex_formats", True)))
                except (EOFError, TimeoutError, ValueError, KeyError, TypeError, OSError):
                    watched.remove(self.tex_r)  # the render broke its side of the protocol
                last_progress = time.monotonic()  # compiling is the worker's time, not the render's
            if self.tampered is not None or self.verdict is not None:
                break
            if pidfd in ready:
                exited = True
                if WATCHDOG:
                    # One more count of the tree: a fork bomb whose first process died of a
                    # refused fork (its report, traceback and exit all ready at once) left
                    # its copies behind, and is still a fork bomb, not that error.
                    self.verdict = self.check_tree(False)
                break
            if WATCHDOG:
                now = time.monotonic()
                beat = self.heart.value
                if beat != last_beat:
                    last_beat, last_progress = beat, now
                elif stall and now - last_progress > stall:
                    self.verdict = ("timeout", "no progress for %.0f s (render.stall-seconds): the scene drew no"
                                    " frame and built no mobject, so it was stopped" % stall)
                    break
                heavy = now >= next_heavy
                if heavy:
                    next_heavy = now + 0.5
                v = self.check_tree(heavy)
                if v:
                    self.verdict = v
                    break
        if not exited:
            for kill in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
        _, wait_status = os.waitpid(self.pid, 0)
        child_s = time.monotonic() - started
        os.close(pidfd)
        # whatever the render left running (fork bombs, detached children)
        if not kill_strays():
            raise WorkerUnclean("processes of the render survived SIGKILL")
        # Every writer is dead now: what is left in the pipes ends in EOF.
        while self.read_channel() and self.tampered is None:
            pass
        while self.read_stderr():
            pass
        for fd in (self.chan_r, self.err_r, self.tex_r, self.tex_w):
            os.close(fd)
        return self.conclude(wait_status, child_s)

    # ---- the verdict
    def conclude(self, wait_status, child_s):
        blobs = []
        result = {"render_s": child_s, "watchdog": dict(self.peak)}
        if self.final is not None and self.buf:
            self.tamper("data after the final report")
        if self.verdict is not None:
            result.update(status=self.verdict[0], message=self.verdict[1])
        elif self.tampered is not None:
            result.update(status="tampered", message="the render wrote to the worker's result pipe itself ("
                          + self.tampered + "); a forged or corrupted report never counts as rendered")
        elif os.WIFSIGNALED(wait_status):
            status, message = signal_status(os.WTERMSIG(wait_status))
            result.update(status=status, message=message)
        else:
            code = os.waitstatus_to_exitcode(wait_status)
            if self.final is None:
                result.update(status="runtime_error", message="the render process exited (code %d) before the scene"
                              " finished rendering; an early exit is a failure, whatever files it left" % code)
            elif code != 0:
                result.update(status="tampered", message="the render process exited with code %d after its final"
                              " report, which the worker never does" % code)
            elif self.final[0] == CH_ERROR:
                result.update(self.failure(self.final[1]))
            else:
                blobs = self.success(self.final[1], result)
        lines = int(self.req.get("stderr_lines", 10))
        result["stderr_tail"] = tail_lines(self.err_tail, lines)
        return result, blobs

    def failure(self, rep):
        status = rep.get("status")
        if status not in FAILURE_STATUSES:
            return {"status": "tampered", "message": "a failure report with status %r" % (status,)}
        out = {"status": status}
        exc = rep.get("exception_type")
        if isinstance(exc, str) and EXC_NAME.fullmatch(exc):
            out["exception_type"] = exc
        line = rep.get("error_line")
        n_lines = self.req["code"].count("\n") + 2
        if isinstance(line, int) and not isinstance(line, bool) and 1 <= line <= n_lines:
            out["error_line"] = line
        msg = rep.get("message")
        out["message"] = msg[:2000] if isinstance(msg, str) else ""
        scene = rep.get("scene")
        if isinstance(scene, str) and IDENT.fullmatch(scene):
            out["scene"] = scene
        return out

    def success(self, rep, result):
        scene = rep.get("scene")
        duration = rep.get("duration_s")
        plays = rep.get("num_plays")
        if not (isinstance(scene, str) and IDENT.fullmatch(scene)) or (
                self.req.get("scene") and scene != self.req["scene"]):
            result.update(status="tampered", message="a final report naming scene %r" % (scene,))
            return []
        if not isinstance(duration, (int, float)) or isinstance(duration, bool) or not 0 <= duration <= 1e6 \
                or not isinstance(plays, int) or isinstance(plays, bool) or plays < 0:
            result.update(status="tampered", message="a final report with duration %r and %r plays" % (duration, plays))
            return []
        result.update(scene=scene, duration_s=float(duration), num_plays=plays, message="")
        fps = float(QUALITIES[self.quality]["frame_rate"]) / frame_stride(self.quality, self.req["fps"])
        if self.profile == "frames":
            layout = clean_layout(rep.get("layout"))
            claimed = rep.get("frame_count")
            expected = duration * fps
            if layout is None or claimed != self.frame_count or self.frame_count < 1 \
                    or abs(self.frame_count - expected) > 2 + 0.02 * expected:
                result.update(status="tampered", message="a final report that does not match what was sent (%d frames"
                              " received, %r claimed, %.1f s at %.0f fps)" % (self.frame_count, claimed, duration, fps))
                return []
            w, h = self.expected
            result.update(status="rendered", layout=layout, fps=fps, frame_width=w, frame_height=h,
                          frame_count=self.frame_count)
            return [("frames", bytes(self.frames))]
        return self.video(result, fps)

    def video(self, result, fps):
        """The video profile: manim's own output file, at the path the worker told manim to use;
        an MP4 when the scene played something, else its still image (manim's own rule)."""
        limit = int(self.req["max_file_mb"]) * 1024 * 1024
        still = result["num_plays"] == 0
        name = "out/%s.%s" % (OUTPUT_NAME, "png" if still else "mp4")
        try:
            fd = open_beneath(WORK, name)
        except FileNotFoundError:
            result.update(status="runtime_error", message="manim finished but wrote no %s"
                          % ("image" if still else "video"))
            return []
        except OSError as e:
            result.update(status="runtime_error", message="the render's %s is unusable: %s"
                          % ("image" if still else "video", e))
            return []
        try:
            data = read_bounded(fd, limit) if self.req.get("keep_video") else None
            w, h = video_geometry(self.quality, int(self.req.get("frame_width") or 0))
            raw = decode_video(fd, still, self.req["fps"], w, h, self.max_frames)
        except (OSError, subprocess.TimeoutExpired) as e:
            result.update(status="runtime_error", message=str(e)[:2000])
            return []
        finally:
            os.close(fd)
        if not kill_strays():
            raise WorkerUnclean("processes of the render survived SIGKILL")
        count = len(raw) // (3 * w * h)
        if count < 1 or count * 3 * w * h != len(raw):
            result.update(status="runtime_error", message="the render's video decoded to %d bytes, not whole %dx%d"
                          " frames of three planes" % (len(raw), w, h))
            return []
        result.update(status="rendered", fps=float(self.req["fps"]), frame_width=w, frame_height=h,
                      frame_count=count, video_kind="image" if still else "video")
        blobs = [("frames", raw)]
        if data is not None:
            blobs.append(("video", data))
        return blobs


# ---- API documentation for RITL-DOC (the worker's own process; generated code is parsed, never run) ----
SCENE_VERBS = frozenset(("add", "play", "wait", "remove", "clear", "construct", "setup", "tear_down", "render",
                         "add_sound", "wait_until", "pause", "next_section", "super", "__init__"))
DOC_MAX_CHARS = 1500
NAMES_MAX = 40
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")
_HEADING = re.compile(r"^([A-Z][A-Za-z ]+)\n[-=~^]{3,}[ \t]*$", re.M)


def strip_examples(doc):
    """The docstring without its numpydoc Examples section (long, and rendered code, not API)."""
    if not doc:
        return ""
    heads = list(_HEADING.finditer(doc))
    for i, m in enumerate(heads):
        if m.group(1).strip() == "Examples":
            end = heads[i + 1].start() if i + 1 < len(heads) else len(doc)
            doc = doc[:m.start()] + doc[end:]
            break
    return doc.strip()


def code_names(code):
    """Names the code calls (f(...), obj.f(...)) and reads in assigned values, in order of first use,
    minus builtins, scene verbs and names the code defines itself."""
    tree = ast.parse(code)
    defined, used = set(), {}  # dict: insertion-ordered set

    def use(n):
        used.setdefault(n, None)

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.alias):
            defined.add((node.asname or node.name).split(".")[0])
    # ast.walk is breadth first; the order of first appearance wants source order
    nodes = sorted((n for n in ast.walk(tree) if hasattr(n, "lineno")), key=lambda n: (n.lineno, n.col_offset))
    for node in nodes:
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                use(f.id)
            elif isinstance(f, ast.Attribute):
                use(f.attr)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            for n in ast.walk(node.value):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                    use(n.id)
    drop = set(dir(builtins)) | SCENE_VERBS
    return [n for n in used if n not in drop and n not in defined][:NAMES_MAX]


def _signature(obj):
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"
    return _ADDRESS.sub(">", text)  # "<function linear at 0x7f..>": the same text in every process


def _doc(obj):
    doc = strip_examples(inspect.getdoc(obj) or "")
    return doc if len(doc) <= DOC_MAX_CHARS else doc[:DOC_MAX_CHARS].rstrip() + " ..."


def _is_api(obj):
    return inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj) or inspect.ismethod(obj)


def _classes(manim):
    """Public classes of the manim namespace, the most basic first (fewest bases in their MRO)."""
    out = [getattr(manim, n) for n in dir(manim) if not n.startswith("_")]
    out = [c for c in out if inspect.isclass(c) and (getattr(c, "__module__", "") or "").startswith("manim")]
    return sorted(set(out), key=lambda c: (len(c.__mro__), c.__name__))


def _member(cls, name):
    """A public method or property defined in the class itself (not inherited)."""
    if name.startswith("_") or name not in vars(cls):
        return None
    raw = vars(cls)[name]
    if isinstance(raw, (staticmethod, classmethod)):
        raw = raw.__func__
    if isinstance(raw, property):
        return raw
    return raw if inspect.isfunction(raw) else None


def lookup(manim, name, classes=None):
    """The documentation entry of one name as the installed manim has it, or None."""
    obj = getattr(manim, name, None) if not name.startswith("_") else None
    if obj is not None and not inspect.ismodule(obj):
        if _is_api(obj):
            kind = "class" if inspect.isclass(obj) else "function"
            return {"name": name, "qualified_name": name, "kind": kind, "signature": name + _signature(obj),
                    "doc": _doc(obj)}
        text = repr(obj)
        return {"name": name, "qualified_name": name, "kind": "constant",
                "signature": "%s = %s" % (name, text if len(text) <= 80 else type(obj).__name__), "doc": ""}
    for cls in classes if classes is not None else _classes(manim):
        m = _member(cls, name)
        if m is not None:
            q = cls.__name__ + "." + name
            if isinstance(m, property):
                return {"name": name, "qualified_name": q, "kind": "property", "signature": q, "doc": _doc(m)}
            return {"name": name, "qualified_name": q, "kind": "method", "signature": q + _signature(m),
                    "doc": _doc(m)}
    return None


def docs_for_code(manim, code):
    """(names, entries): the code's names and the documentation found for each (None when none)."""
    names = code_names(code)
    classes = _classes(manim)
    return names, [lookup(manim, n, classes) for n in names]


def api_dump(manim):
    """Every public class, function and constant of the manim namespace, and the public methods and
    properties each manim class defines: the corpus of the API search index."""
    out = []
    for n in sorted(x for x in dir(manim) if not x.startswith("_")):
        e = lookup(manim, n, [])
        if e is not None:
            out.append(e)
    for cls in _classes(manim):
        for n in sorted(vars(cls)):
            m = _member(cls, n)
            if m is None:
                continue
            q = cls.__name__ + "." + n
            if isinstance(m, property):
                out.append({"name": n, "qualified_name": q, "kind": "property", "signature": q, "doc": _doc(m)})
            else:
                out.append({"name": n, "qualified_name": q, "kind": "method", "signature": q + _signature(m),
                            "doc": _doc(m)})
    return out



API_CODE_MAX_CHARS = 200_000


def api_docs(req):
    """The names a program uses and the live documentation of each, for the RITL-DOC prompt. The
    program is only parsed (ast), never executed; an unparsable one gets its parse error back."""
    code = req.get("code")
    if not isinstance(code, str) or len(code) > API_CODE_MAX_CHARS:
        return {"id": req.get("id"), "names": [], "entries": [], "parse_error": "no code, or code too long"}
    try:
        names, entries = docs_for_code(manim, code)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        return {"id": req.get("id"), "names": [], "entries": [],
                "parse_error": "%s: %s" % (type(e).__name__, str(e)[:200])}
    return {"id": req.get("id"), "names": names, "entries": entries}


def render(req):
    if not scratch_is_empty() and not wipe_scratch():
        raise WorkerUnclean("the previous render's files could not be removed")
    for d in (WORK, HOME):
        os.makedirs(d, mode=0o700)
    with open(SCENE_FILE, "w", encoding="utf-8", errors="surrogatepass") as f:
        f.write(req["code"])
    nonce = os.urandom(16).hex()
    chan_r, chan_w = os.pipe()
    err_r, err_w = os.pipe()
    tex_req_r, tex_req_w = os.pipe()
    tex_resp_r, tex_resp_w = os.pipe()
    try:
        import fcntl
        fcntl.fcntl(chan_w, 1031, 1 << 20)  # F_SETPIPE_SZ: a whole frame per write
    except OSError:
        pass
    heart = mmap.mmap(-1, 8)  # shared with the child across fork: its progress counter
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for fd in (chan_r, err_r, tex_req_r, tex_resp_w):
                os.close(fd)
            code = child_main(req, nonce, chan_w, err_w, (tex_req_w, tex_resp_r), heart)
        except BaseException:
            try:
                traceback.print_exc()
            except BaseException:
                pass
        finally:
            os._exit(code)
    for fd in (chan_w, err_w, tex_req_w, tex_resp_r):
        os.close(fd)
    result, blobs = Supervisor(req, pid, nonce, chan_r, err_r, tex_req_r, tex_resp_w, heart).run()
    try:
        heart.close()
    except BufferError:  # a view of it still alive: the map goes with the garbage collector
        pass
    result["id"] = req.get("id")
    result["tex_cache"] = dict(TEX_STATS)
    # Nothing of this render may be seen by the next one.
    result["restart"] = not wipe_scratch()
    return result, blobs


class WorkerUnclean(Exception):
    pass


def main():
    clean = wipe_scratch()
    if not IN_OWN_PID_NAMESPACE:
        send({"event": "refused", "message": "not in a PID namespace of its own (parent pid %d)" % os.getppid()})
        return
    # Every render is a fork of this process. What the import made (some 100 000 objects) moves
    # to the collector's permanent generation: a render's collections then skip it instead of
    # walking all of it each time, and do not dirty its pages (copy on write).
    gc.collect()
    gc.freeze()
    send({"event": "ready", "manim_version": manim.__version__, "import_s": IMPORT_S, "pid": os.getpid(),
          "watchdog": WATCHDOG, "clean": clean})
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    for line in PROTO_IN:
        if not line.strip():
            continue
        req = json.loads(line)
        op = req.get("op")
        if op == "render":
            try:
                result, blobs = render(req)
                send(result, blobs)
            except WorkerUnclean as e:
                send({"id": req.get("id"), "status": "sandbox_error", "message": str(e), "restart": True})
            except Exception as e:  # a worker-side failure, not the generated code's
                send({"id": req.get("id"), "status": "sandbox_error", "restart": True,
                      "message": "%s: %s" % (type(e).__name__, e)})
            # The next render is a fork of this process: it must not find this one's result and
            # frames among the objects it inherits.
            result = blobs = None
        elif op == "api_docs":
            try:
                send(api_docs(req))
            except Exception as e:
                send({"id": req.get("id"), "names": [], "entries": [], "parse_error": "%s: %s" % (type(e).__name__, e)})
        elif op == "api_dump":
            send({"id": req.get("id"), "manim_version": manim.__version__, "entries": api_dump(manim)})
        elif op == "ping":
            send({"event": "pong"})
        elif op == "exit":
            break


if __name__ == "__main__":
    main()
