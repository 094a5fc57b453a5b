"""Warm Manim render worker: imports manim once, forks a child per render.

Runs inside the render sandbox (bubblewrap: read-only runtime, no network, empty
environment, /scratch the only writable place). The Java RenderWorker talks to it with
JSON lines: one request in on stdin, one result out on stdout. Generated code runs only
in the forked child, never in this process; this process decides the status from what it
observes (exit status, signals, the wall clock), so the child cannot report a render it
did not do as a timeout or a limit it did not hit.
"""
import base64
import ctypes
import hashlib
import json
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback

PROTO_IN = os.fdopen(os.dup(0), "r", encoding="utf-8")
PROTO_OUT = os.fdopen(os.dup(1), "w", encoding="utf-8")
_devnull = os.open(os.devnull, os.O_RDWR)
os.dup2(_devnull, 0)
os.dup2(_devnull, 1)  # stray prints of manim must not corrupt the protocol

T0 = time.monotonic()
import numpy as np  # noqa: E402
import manim  # noqa: E402
from manim import config  # noqa: E402

IMPORT_S = time.monotonic() - T0
SCRATCH = os.environ.get("MANIM_GRPO_SCRATCH", "/scratch")
RENDER_DIR = os.path.join(SCRATCH, "r")
SCENE_MODULE = "scene"

# Children may not read this process's memory or ptrace it (same uid otherwise allows it).
try:
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
except Exception:  # pragma: no cover - best effort, bwrap already isolates the sandbox
    pass


def send(obj):
    PROTO_OUT.write(json.dumps(obj) + "\n")
    PROTO_OUT.flush()


# ---------------------------------------------------------------------------- child side


class FrameSink:
    """Collects rendered frames as 8-bit grayscale, the reward profile's only output."""

    def __init__(self, path, width):
        self.path = path
        self.width = width
        self.file = open(path, "wb")
        self.count = 0
        self.shape = None

    def write(self, frame):
        rgb = np.asarray(frame)[:, :, :3].astype(np.float32)
        # BT.601 luma, what ffmpeg's rgb -> gray conversion uses.
        gray = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        if self.width and self.width < gray.shape[1]:
            step = gray.shape[1] / self.width
            rows = (np.arange(int(round(gray.shape[0] / step))) * step).astype(int)
            cols = (np.arange(self.width) * step).astype(int)
            gray = gray[rows][:, cols]
        out = np.clip(gray + 0.5, 0, 255).astype(np.uint8)
        self.shape = out.shape
        self.file.write(out.tobytes())
        self.count += 1

    def close(self):
        self.file.close()


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


def install_frame_sampler(sink, stride, probe):
    """Patches the Cairo renderer so that only sampled frames are drawn and kept."""
    from manim.renderer.cairo_renderer import CairoRenderer

    emitted = [0]
    probed = [False]

    def add_frame(self, frame, num_frames=1):
        if self.skip_animations:
            return
        self.time += num_frames / self.camera.frame_rate
        for _ in range(num_frames):
            if emitted[0] % stride == 0:
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

    CairoRenderer.add_frame = add_frame
    CairoRenderer.render = render


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


def install_tex_client(req_fd, resp_fd):
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
    """Line number of the innermost traceback frame that is in the generated code."""
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename.endswith("scene.py"):
            line = frame.lineno
    return line


def write_result(result):
    with open(os.path.join(RENDER_DIR, "result.json"), "w") as f:
        json.dump(result, f)


def set_limits(req):
    cpu = int(req["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    fsize = int(req["max_file_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = int(req["max_processes"])
    if nproc > 0:  # 0: the sandbox shares its uid with the JVM, where the count is meaningless
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


def child_main(req, tex_fds):
    os.setsid()
    try:
        PROTO_IN.close()
        PROTO_OUT.close()
    except Exception:
        pass
    os.chdir(RENDER_DIR)
    out = os.open("stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open("stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    set_limits(req)
    install_tex_client(*tex_fds)
    result = {"status": "rendered"}
    source = req["code"]
    try:
        code = compile(source, os.path.join(RENDER_DIR, "scene.py"), "exec")
    except (SyntaxError, ValueError) as e:
        traceback.print_exc()
        write_result({"status": "syntax_error", "exception_type": type(e).__name__,
                      "error_line": getattr(e, "lineno", None), "message": str(e)})
        return 0
    except MemoryError as e:
        write_result({"status": "resource_limit", "exception_type": "MemoryError",
                      "message": "memory limit while compiling"})
        return 0

    profile = req["profile"]
    config.media_dir = os.path.join(RENDER_DIR, "media")
    config.quality = req.get("quality", "low_quality")
    config.disable_caching = True
    config.progress_bar = "none"
    config.verbosity = "WARNING"
    sink = None
    if profile == "frames":
        # The reward profile. The scene advances on the video's own timeline (the quality's
        # frame rate, so updaters and rate functions see the same times as in the MP4), but
        # only every stride-th frame is drawn, and no video is encoded to be decoded again.
        # Rendering natively at the sampling rate instead would shift the timeline wherever
        # a run_time is not a multiple of the sampling step (and manim truncates wait
        # lengths with int(duration / dt)).
        config.write_to_movie = False
        config.save_last_frame = False
        stride = max(1, int(round(float(config.frame_rate) / float(req["fps"]))))
        result["fps"] = float(config.frame_rate) / stride
        sink = FrameSink(os.path.join(RENDER_DIR, "frames.gray"), int(req.get("frame_width") or 0))
        probe = LayoutProbe()
        install_frame_sampler(sink, stride, probe)
    else:
        config.write_to_movie = True
    namespace = {"__name__": SCENE_MODULE, "__file__": "scene.py"}
    started = time.monotonic()
    try:
        exec(code, namespace)
        cls, problem = pick_scene(namespace, req.get("scene"))
        if problem:
            write_result({"status": problem[0], "message": problem[1]})
            return 0
        result["scene"] = cls.__name__
        scene = cls()
        scene.render()
        result["duration_s"] = float(scene.renderer.time)
        result["num_plays"] = int(scene.renderer.num_plays)
        if sink is not None:
            if sink.count == 0:
                # A scene without animation: its single still image.
                probe.sample(scene)
                scene.renderer.update_frame(scene)
                sink.write(scene.renderer.get_frame())
            result["layout"] = probe.report()
            sink.close()
            result["frames"] = "frames.gray"
            result["frame_count"] = sink.count
            result["frame_height"], result["frame_width"] = sink.shape
        else:
            fw = scene.renderer.file_writer
            movie = getattr(fw, "movie_file_path", None)
            if scene.renderer.num_plays and movie and os.path.exists(movie):
                result["video"] = os.path.relpath(str(movie), RENDER_DIR)
            image = getattr(fw, "image_file_path", None)
            if image and os.path.exists(image):
                result["image"] = os.path.relpath(str(image), RENDER_DIR)
    except MemoryError as e:
        traceback.print_exc()
        result = {"status": "resource_limit", "exception_type": "MemoryError",
                  "error_line": scene_line(e.__traceback__), "message": "memory limit exceeded"}
    except BaseException as e:  # generated code may raise anything, SystemExit included
        traceback.print_exc()
        result = {"status": "runtime_error", "exception_type": type(e).__name__,
                  "error_line": scene_line(e.__traceback__), "message": str(e)[:2000]}
    result["render_s"] = time.monotonic() - started
    write_result(result)
    return 0


# --------------------------------------------------------------------------- parent side


def kill_strays():
    """Kill every process of this sandbox but its init and this worker, then reap."""
    me = os.getpid()
    deadline = time.monotonic() + 5.0
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in (1, me):
            try:
                os.kill(int(name), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
            if not any(n.isdigit() and int(n) not in (1, me) for n in os.listdir("/proc")):
                break


TEX_CACHE = {}
TEX_CACHE_BYTES = [0]
TEX_CACHE_MAX_BYTES = 256 * 1024 * 1024
TEX_STATS = {"hits": 0, "compiles": 0}


def other_pids():
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


def compile_tex_trusted(source, compiler, fmt, timeout=TEX_TIMEOUT_S):
    """Compiles one LaTeX source to SVG in a private folder; returns (ok, svg|error, log)."""
    from manim.utils.tex_file_writing import make_tex_compilation_command
    from pathlib import Path

    compilers = [compiler] if isinstance(compiler, str) else list(compiler)
    if not compilers or any(c not in ("latex", "pdflatex", "luatex", "lualatex", "xelatex") for c in compilers):
        return False, "unsupported TeX compiler %r" % (compiler,), []
    if fmt not in (".dvi", ".xdv", ".pdf"):
        return False, "unsupported TeX output format %r" % (fmt,), []
    work = Path(tempfile.mkdtemp(prefix="tex-", dir="/tmp"))
    try:
        tex_file = work / "expr.tex"
        tex_file.write_text(source, encoding="utf-8")
        for c in compilers:
            cmd = make_tex_compilation_command(c, fmt, tex_file, work)
            try:
                cp = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    stdin=subprocess.DEVNULL, timeout=timeout, cwd=work)
            except subprocess.TimeoutExpired:
                return False, "%s timed out after %d s" % (c, timeout), []
            if cp.returncode != 0:
                return False, "%s error converting to %s:" % (c, fmt[1:]), tex_errors(work / "expr.log")
        out = work / ("expr" + fmt)
        svg = work / "expr.svg"
        cmd = ["dvisvgm", *(["--pdf"] if fmt == ".pdf" else []), "--page=1", "--no-fonts",
               "--verbosity=0", "--output=" + svg.as_posix(), out.as_posix()]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL, timeout=timeout, cwd=work)
        except subprocess.TimeoutExpired:
            return False, "dvisvgm timed out", []
        if not svg.exists():
            return False, "dvisvgm could not convert %s to SVG" % fmt, []
        return True, svg.read_bytes(), []
    finally:
        shutil.rmtree(work, ignore_errors=True)


def serve_tex(req_fd, resp_fd, deadline):
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
            entry = compile_tex_trusted(source, compiler, fmt, left)
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


def tail_lines(path, n, max_bytes=65536):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - max_bytes))
            data = f.read()
    except OSError:
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    return [l[:500] for l in lines if l.strip()][-n:]


def signal_status(sig):
    if sig == signal.SIGXCPU:
        return "resource_limit", "CPU time limit exceeded"
    if sig == signal.SIGXFSZ:
        return "resource_limit", "file size limit exceeded"
    return "runtime_error", "killed by signal %s" % signal.Signals(sig).name


def render(req):
    shutil.rmtree(RENDER_DIR, ignore_errors=True)
    os.makedirs(RENDER_DIR)
    with open(os.path.join(RENDER_DIR, "scene.py"), "w") as f:
        f.write(req["code"])
    started = time.monotonic()
    req_r, req_w = os.pipe()
    resp_r, resp_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(req_r)
            os.close(resp_w)
            code = child_main(req, (req_w, resp_r))
        finally:
            os._exit(code)
    os.close(req_w)
    os.close(resp_r)
    pidfd = os.pidfd_open(pid)
    timeout = float(req["timeout_seconds"])
    deadline = started + timeout
    watched = [pidfd, req_r]
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select(watched, [], [], left)
        if not ready:
            timed_out = True
            break
        if pidfd in ready:
            break
        if req_r in ready:
            try:
                serve_tex(req_r, resp_w, deadline)
            except (EOFError, TimeoutError, ValueError, KeyError, TypeError, OSError):
                watched = [pidfd]  # the render broke its side of the protocol: stop serving it
    if timed_out:
        os.killpg(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    os.close(pidfd)
    os.close(req_r)
    os.close(resp_w)
    kill_strays()  # whatever the render left running (fork bombs, detached children)
    wall = time.monotonic() - started

    result_path = os.path.join(RENDER_DIR, "result.json")
    result = None
    if os.path.exists(result_path) and not timed_out:
        try:
            with open(result_path) as f:
                result = json.load(f)
        except (OSError, ValueError):
            result = None
    if timed_out:
        result = {"status": "timeout", "message": "wall-clock timeout of %.0f s" % timeout}
    elif os.WIFSIGNALED(wait_status):
        status, message = signal_status(os.WTERMSIG(wait_status))
        result = {"status": status, "message": message}
    elif result is None:
        result = {"status": "runtime_error",
                  "message": "render process exited with code %d and no result" % os.waitstatus_to_exitcode(wait_status)}
    result["wall_s"] = wall
    result["stderr_tail"] = tail_lines(os.path.join(RENDER_DIR, "stderr.txt"), int(req.get("stderr_lines", 10)))
    result["id"] = req.get("id")
    result["tex_cache"] = dict(TEX_STATS)
    return result


def main():
    send({"event": "ready", "manim_version": manim.__version__, "import_s": IMPORT_S,
          "pid": os.getpid()})
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    for line in PROTO_IN:
        if not line.strip():
            continue
        req = json.loads(line)
        op = req.get("op")
        if op == "render":
            try:
                send(render(req))
            except Exception as e:  # a worker-side failure, not the generated code's
                send({"id": req.get("id"), "status": "sandbox_error",
                      "message": "%s: %s" % (type(e).__name__, e)})
        elif op == "ping":
            send({"event": "pong"})
        elif op == "exit":
            break


if __name__ == "__main__":
    main()
