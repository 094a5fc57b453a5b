package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.RenderConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real renders in the real sandbox: every failure mode gives its status and the pool survives. */
@Tag("manim")
class RenderWorkerPoolTest {

  static final String CIRCLE = """
      from manim import *

      class Ring(Scene):
          def construct(self):
              c = Circle(color=BLUE)
              self.play(Create(c))
              self.wait(1)
      """;

  @TempDir static Path scratch;
  static RenderWorkerPool pool;

  @BeforeAll
  static void startPool() {
    RenderConfig render = ManimRuntimeFixture.config().render().withWorkers(2).withTimeoutSeconds(20);
    pool = ManimRuntimeFixture.pool(render, scratch);
  }

  @AfterAll
  static void stopPool() {
    List<Long> pids = pool.workerPids();
    pool.close();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("worker %d is gone after close", pid).isFalse();
    }
  }

  private static String scene(String body) {
    StringBuilder sb = new StringBuilder("from manim import *\nimport os, sys\n\nclass Probe(Scene):\n    def construct(self):\n");
    for (String line : body.strip().split("\n")) {
      sb.append("        ").append(line).append('\n');
    }
    sb.append("        self.add(Dot())\n");
    return sb.toString();
  }

  private static void assertPoolStillRenders() {
    RenderResult ok = pool.render(RenderRequest.frames("after", CIRCLE));
    assertThat(ok.status()).as(ok.message() + ok.stderrText()).isEqualTo(RenderStatus.RENDERED);
  }

  @Test
  void rendersFramesAtTheSamplingRate() {
    RenderResult r = pool.render(RenderRequest.frames("ring", CIRCLE));
    assertThat(r.status()).as(r.message() + "\n" + r.stderrText()).isEqualTo(RenderStatus.RENDERED);
    assertThat(r.sceneName()).isEqualTo("Ring");
    assertThat(r.durationSeconds()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(r.frames().count()).isEqualTo(10); // 2 s at 5 fps
    // drawn at render.frame-width (214 of -ql's 854), the height keeping the aspect
    assertThat(r.frames().width()).isEqualTo(214);
    assertThat(r.frames().height()).isEqualTo(120);
    assertThat(r.manimVersion()).isEqualTo(pool.manimVersion()).isNotBlank();
    // the last frame shows the circle: bright pixels on the black background, and blue ones
    // (Manim's BLUE, #58C4DD: Cb above 128, Cr below)
    assertThat(r.frames().hasColour()).isTrue();
    int bright = 0;
    int blue = 0;
    for (int y = 0; y < 120; y++) {
      for (int x = 0; x < 214; x++) {
        if (r.frames().pixel(9, x, y) > 60) {
          bright++;
          if (r.frames().chroma(9, 0, x, y) > 140 && r.frames().chroma(9, 1, x, y) < 110) {
            blue++;
          }
        }
      }
    }
    assertThat(bright).isGreaterThan(60);
    assertThat(blue).isGreaterThan(bright / 2);
    assertThat(r.frames().chroma(9, 0, 0, 0)).as("the black corner has no colour").isEqualTo(128);
  }

  @Test
  void rewardFramesAreTheVideoFramesAtTheSameTimesColourIncluded(@TempDir Path out) {
    // The video profile's frames are the MP4 decoded and scaled to render.frame-width; the reward
    // profile draws at that size: the same picture, up to the encoder's loss and the scaler.
    RenderResult video = pool.render(RenderRequest.video("ring-compare", CIRCLE, out));
    RenderResult frames = pool.render(RenderRequest.frames("ring-compare-frames", CIRCLE));
    assertThat(video.frames().count()).isEqualTo(frames.frames().count());
    assertThat(video.frames().hasColour()).isTrue();
    FrameComparison luma = FrameComparison.of(video.frames(), frames.frames());
    assertThat(luma.meanAbsoluteError()).isLessThan(6.0);
    FrameComparison cb = FrameComparison.of(video.frames().chromaPlane(0), frames.frames().chromaPlane(0));
    assertThat(cb.meanAbsoluteError()).isLessThan(4.0);
  }

  @Test
  void updatersThatAdvanceByTheElapsedTimeLandWhereTheVideoHasThem(@TempDir Path out) {
    // The reward profile computes only the frames it draws; a dt updater then gets the time since
    // the last drawn frame in one step, so it must stand where the video's frame-by-frame one does.
    String spin = "from manim import *\nclass Spin(Scene):\n    def construct(self):\n"
        + "        bar = Rectangle(width=4, height=0.4, color=YELLOW, fill_opacity=1)\n"
        + "        t = ValueTracker(0)\n"
        + "        bar.add_updater(lambda m, dt: m.rotate(0.9 * dt))\n"
        + "        t.add_updater(lambda m, dt: m.increment_value(dt))\n"
        + "        dot = always_redraw(lambda: Dot(RIGHT * t.get_value(), color=RED))\n"
        + "        self.add(bar, t, dot)\n"
        + "        self.wait(2.2)\n"
        + "        self.play(bar.animate.shift(UP), run_time=1.3)\n";
    RenderResult video = pool.render(RenderRequest.video("spin-video", spin, out));
    RenderResult frames = pool.render(RenderRequest.frames("spin-frames", spin));
    assertThat(frames.status()).as(frames.message() + frames.stderrText()).isEqualTo(RenderStatus.RENDERED);
    assertThat(frames.frames().count()).isEqualTo(video.frames().count());
    FrameComparison luma = FrameComparison.of(video.frames(), frames.frames());
    assertThat(luma.meanAbsoluteError()).isLessThan(6.0);
    int last = frames.frames().count() - 1;
    FrameComparison turned = FrameComparison.of(frames.frames().select(new int[] {0}, 1),
        frames.frames().select(new int[] {last}, 1));
    assertThat(turned.meanAbsoluteError()).as("the bar has turned and moved").isGreaterThan(3.0);
  }

  @Test
  void rendersAVideoWithTheExpectedDuration(@TempDir Path out) throws IOException {
    RenderResult r = pool.render(RenderRequest.video("ring-video", CIRCLE, out));
    assertThat(r.status()).as(r.message() + "\n" + r.stderrText()).isEqualTo(RenderStatus.RENDERED);
    assertThat(r.videoFile()).isEqualTo(out.resolve("ring-video.mp4"));
    assertThat(Files.size(r.videoFile())).isGreaterThan(1000);
    assertThat(r.durationSeconds()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(r.frames().durationSeconds()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.21));
  }

  @Test
  void sceneWithoutAnimationGivesAStillImage(@TempDir Path out) {
    String still = "from manim import *\nclass Still(Scene):\n    def construct(self):\n        self.add(Square())\n";
    RenderResult video = pool.render(RenderRequest.video("still", still, out));
    assertThat(video.status()).as(video.message() + video.stderrText()).isEqualTo(RenderStatus.RENDERED);
    assertThat(video.videoFile().getFileName().toString()).isEqualTo("still.png");
    assertThat(video.frames().count()).isEqualTo(1);
    RenderResult frames = pool.render(RenderRequest.frames("still-frames", still));
    assertThat(frames.frames().count()).isEqualTo(1);
    assertThat(frames.durationSeconds()).isZero();
  }

  @Test
  void syntaxErrorIsReportedWithItsLine() {
    RenderResult r = pool.render(RenderRequest.frames("syntax", "from manim import *\n\nclass A(Scene:\n    pass\n"));
    assertThat(r.status()).isEqualTo(RenderStatus.SYNTAX_ERROR);
    assertThat(r.exceptionType()).isEqualTo("SyntaxError");
    assertThat(r.errorLine()).isEqualTo(3);
    assertThat(r.stderrTail()).isNotEmpty();
    assertPoolStillRenders();
  }

  @Test
  void runtimeErrorIsReportedWithTypeAndLine() {
    String code = "from manim import *\n\nclass Boom(Scene):\n    def construct(self):\n        self.add(Circle())\n        x = 1 / 0\n";
    RenderResult r = pool.render(RenderRequest.frames("boom", code));
    assertThat(r.status()).isEqualTo(RenderStatus.RUNTIME_ERROR);
    assertThat(r.exceptionType()).isEqualTo("ZeroDivisionError");
    assertThat(r.errorLine()).isEqualTo(6);
    assertThat(r.stderrText()).contains("ZeroDivisionError");
    assertThat(r.stderrTail()).hasSizeLessThanOrEqualTo(10);
    assertPoolStillRenders();
  }

  @Test
  void anExceptionRaisedInsideManimPointsAtTheGeneratedLineAndKeepsTheScene() {
    // manim's own scene/scene.py raises here; the row must name line 6 of the generated file.
    String code = "from manim import *\n\nclass Inside(Scene):\n    def construct(self):\n        c = Circle()\n"
        + "        self.play(c)\n";
    RenderResult r = pool.render(RenderRequest.frames("inside", code));
    assertThat(r.status()).isEqualTo(RenderStatus.RUNTIME_ERROR);
    assertThat(r.errorLine()).isEqualTo(6);
    assertThat(r.sceneName()).isEqualTo("Inside");
    assertThat(r.stderrText()).contains("scene.py");
  }

  @Test
  void osErrorsAreRuntimeErrorsExceptAFileTooLarge() {
    RenderResult missing = pool.render(RenderRequest.frames("missing", scene("open('/no/such/file')")));
    assertThat(missing.status()).isEqualTo(RenderStatus.RUNTIME_ERROR);
    assertThat(missing.exceptionType()).isEqualTo("FileNotFoundError");
    assertThat(missing.errorLine()).isEqualTo(6);
    String big = scene("""
        with open('big.bin', 'wb') as f:
            while True:
                f.write(bytes(1 << 20))
        """);
    RenderResult huge = pool.render(RenderRequest.frames("huge", big));
    assertThat(huge.status()).as(huge.message()).isEqualTo(RenderStatus.RESOURCE_LIMIT);
    assertPoolStillRenders();
  }

  @Test
  void anEarlyExitIsNeverRenderedWhateverFilesItLeaves() {
    String code = scene("""
        import json
        os.makedirs('out', exist_ok=True)
        open('result.json', 'w').write(json.dumps({'status': 'rendered', 'frames': 'frames.gray'}))
        open('frames.gray', 'wb').write(bytes(3 * 214 * 120))
        open('out/scene.mp4', 'wb').write(b'not a video')
        os._exit(0)
        """);
    for (RenderProfile profile : RenderProfile.values()) {
      RenderResult r = pool.render(new RenderRequest("early-" + profile, code, null, profile, null));
      assertThat(r.status()).as(profile + ": " + r.message()).isEqualTo(RenderStatus.RUNTIME_ERROR);
      assertThat(r.message()).contains("before the scene finished rendering");
      assertThat(r.frames()).isNull();
    }
    assertPoolStillRenders();
  }

  @Test
  void missingAndAmbiguousScenesHaveTheirOwnStatus() {
    RenderResult none = pool.render(RenderRequest.frames("none", "from manim import *\nx = Circle()\n"));
    assertThat(none.status()).isEqualTo(RenderStatus.NO_SCENE);
    String two = CIRCLE + "\nclass Other(Scene):\n    def construct(self):\n        self.wait(0.2)\n";
    RenderResult several = pool.render(RenderRequest.frames("two", two));
    assertThat(several.status()).isEqualTo(RenderStatus.MULTIPLE_SCENES);
    assertThat(several.message()).contains("Other").contains("Ring");
    RenderResult named = pool.render(new RenderRequest("named", two, "Other", RenderProfile.FRAMES, null));
    assertThat(named.status()).isEqualTo(RenderStatus.RENDERED);
    assertThat(named.sceneName()).isEqualTo("Other");
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws InterruptedException {
    String marker = String.valueOf(900 + new java.util.Random().nextInt(99)) + ".5";
    String code = scene("""
        import subprocess, time
        subprocess.Popen(['sleep', '%s'], start_new_session=True)
        time.sleep(1000)
        """.formatted(marker));
    RenderResult r = pool.render(RenderRequest.frames("sleepy", code));
    assertThat(r.status()).isEqualTo(RenderStatus.TIMEOUT);
    assertThat(r.wallSeconds()).isLessThan(60);
    Thread.sleep(300);
    assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("sleep " + marker)).count())
        .as("the detached child of a timed-out render is killed").isZero();
    assertPoolStillRenders();
  }

  @Test
  void memoryLimitStopsAHungryRender() {
    String code = scene("""
        hog = []
        for _ in range(64):
            hog.append(bytearray(256 * 1024 * 1024))
        """);
    RenderResult r = pool.render(RenderRequest.frames("hog", code));
    assertThat(r.status()).isEqualTo(RenderStatus.RESOURCE_LIMIT);
    // RLIMIT_AS (a MemoryError in the scene) or the watchdog's count of the render's memory,
    // whichever acts first: both stop it at render.memory-mb.
    if (r.exceptionType() != null) {
      assertThat(r.exceptionType()).isEqualTo("MemoryError");
    } else {
      assertThat(r.message()).contains("render.memory-mb");
    }
    assertPoolStillRenders();
  }

  @Test
  void cpuLimitStopsABusyLoop() {
    RenderConfig tight = ManimRuntimeFixture.config().render().withWorkers(1).withLimits(30, 2, 0);
    try (RenderWorkerPool one = ManimRuntimeFixture.pool(tight, scratch.resolve("cpu"))) {
      RenderResult r = one.render(RenderRequest.frames("spin", scene("while True:\n    pass")));
      assertThat(r.status()).isEqualTo(RenderStatus.RESOURCE_LIMIT);
      assertThat(r.message()).contains("CPU");
    }
  }

  @Test
  void processLimitStopsAForkBomb() {
    // The limit needs a uid of the sandbox's own, which only a root JVM can switch to.
    org.junit.jupiter.api.Assumptions.assumeTrue(Sandbox.jvmIsRoot(), "process limit applies when the JVM runs as root");
    String code = scene("""
        n = 0
        try:
            while True:
                if os.fork() == 0:
                    import time
                    time.sleep(60)
                    os._exit(0)
                n += 1
        except OSError:
            raise RuntimeError('fork refused after %d children' % n)
        """);
    RenderResult r = pool.render(RenderRequest.frames("forks", code));
    // The watchdog's count of the render's tree (resource_limit, named a fork bomb) or
    // RLIMIT_NPROC a little above it (fork fails, the scene raises), whichever acts first.
    if (r.status() == RenderStatus.RESOURCE_LIMIT) {
      assertThat(r.message()).contains("processes");
    } else {
      assertThat(r.status()).isEqualTo(RenderStatus.RUNTIME_ERROR);
      assertThat(r.message()).contains("fork refused");
    }
    assertPoolStillRenders();
  }

  @Test
  void writesOutsideScratchAreRefusedAndNeverReachTheHost() {
    String name = "escape-" + UUID.randomUUID();
    String code = scene("""
        blocked = 0
        for path in ['/usr/%1$s', '/etc/%1$s', '/opt/manim-grpo/%1$s', '/%1$s', '/proc/%1$s']:
            try:
                open(path, 'w').write('x')
            except OSError:
                blocked += 1
        open('/tmp/%1$s', 'w').write('private tmp is inside scratch')
        if blocked != 5:
            raise RuntimeError('a write outside scratch succeeded')
        """.formatted(name));
    RenderResult r = pool.render(RenderRequest.frames("escape", code));
    assertThat(r.status()).as(r.message() + r.stderrText()).isEqualTo(RenderStatus.RENDERED);
    assertThat(Path.of("/tmp", name)).doesNotExist();
    assertThat(Path.of("/", name)).doesNotExist();
    assertPoolStillRenders();
  }

  @Test
  void sandboxHasNoNetworkNotEvenHostLoopback() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(200);
      AtomicInteger accepted = new AtomicInteger();
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            accepted.incrementAndGet();
          } catch (IOException ignored) {
            // timeout tick or closed
          }
        }
      });
      acceptor.start();
      String code = scene("""
          import socket
          # only a loopback interface of its own: no route anywhere, no packet can leave
          names = sorted(name for _, name in socket.if_nameindex())
          if names != ['lo']:
              raise RuntimeError('network interfaces in the sandbox: %%s' %% names)
          try:
              socket.create_connection(('127.0.0.1', %d), timeout=2).close()
              raise RuntimeError('reached the host loopback')
          except OSError:
              pass
          """.formatted(server.getLocalPort()));
      RenderResult r = pool.render(RenderRequest.frames("net", code));
      server.close();
      acceptor.join(2000);
      assertThat(r.status()).as(r.message() + r.stderrText()).isEqualTo(RenderStatus.RENDERED);
      assertThat(accepted.get()).isZero();
    }
  }

  @Test
  void sandboxInheritsNoEnvironment() {
    // Surefire gives this JVM AWS_SECRET_ACCESS_KEY (see pom.xml): it must not pass in.
    assertThat(System.getenv("AWS_SECRET_ACCESS_KEY")).isNotBlank();
    String code = scene("""
        allowed = {'PATH', 'HOME', 'TMPDIR', 'LC_ALL', 'MPLCONFIGDIR', 'PYTHONDONTWRITEBYTECODE', 'PWD'}
        extra = sorted(set(os.environ) - allowed)
        if extra:
            raise RuntimeError('inherited environment: %s' % extra)
        if os.getuid() == 0:
            raise RuntimeError('running as root')
        """);
    RenderResult r = pool.render(RenderRequest.frames("env", code));
    assertThat(r.status()).as(r.message() + r.stderrText()).isEqualTo(RenderStatus.RENDERED);
  }

  @Test
  void aRenderThatKillsItsWorkerGetsASandboxErrorAndThePoolRecovers() {
    String code = scene("import signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(5)");
    int before = pool.restarts();
    RenderResult r = pool.render(RenderRequest.frames("killer", code));
    assertThat(r.status()).isEqualTo(RenderStatus.SANDBOX_ERROR);
    assertThat(r.message()).contains("worker");
    // both slots may be asked; each dead worker is replaced on its next use
    assertPoolStillRenders();
    assertPoolStillRenders();
    assertThat(pool.restarts()).isGreaterThan(before);
  }

  static final String FORMULA = """
      from manim import *

      class Formula(Scene):
          def construct(self):
              self.play(Write(MathTex(r"e^{i\\pi} + 1 = 0")))
      """;

  @Test
  void latexErrorsAreRuntimeErrorsWithTheLatexMessage() {
    String code = "from manim import *\nclass Bad(Scene):\n    def construct(self):\n        self.add(MathTex(r\"\\undefinedmacro x\"))\n";
    RenderResult r = pool.render(RenderRequest.frames("badtex", code));
    assertThat(r.status()).isEqualTo(RenderStatus.RUNTIME_ERROR);
    assertThat(r.exceptionType()).isEqualTo("ValueError");
    assertThat(r.errorLine()).isEqualTo(4);
    assertThat(r.message()).contains("Undefined control sequence");
    assertThat(r.stderrTail().get(r.stderrTail().size() - 1)).contains("ValueError").contains("Undefined control sequence");
    assertPoolStillRenders();
  }

  @Test
  void preloadedLatexFormatsDrawTheSameFormulasAndReportTheSameErrors() throws Exception {
    String formulas = "from manim import *\nclass F(Scene):\n    def construct(self):\n"
        + "        a = MathTex(r'\\int_0^1 x^2\\,dx = \\frac{1}{3}')\n        b = Tex(r'Euler: $e^{i\\pi}+1=0$')\n"
        + "        self.play(Write(VGroup(a, b).arrange(DOWN)))\n";
    String broken = "from manim import *\nclass B(Scene):\n    def construct(self):\n"
        + "        self.add(MathTex(r'\\undefinedmacro x'))\n";
    RenderConfig plain = ManimRuntimeFixture.config().render().withWorkers(1).withTimeoutSeconds(60)
        .withLatexFormats(false);
    try (RenderWorkerPool without = ManimRuntimeFixture.pool(plain, scratch.resolve("no-formats"))) {
      RenderResult a = pool.render(RenderRequest.frames("fmt", formulas));
      RenderResult b = without.render(RenderRequest.frames("plain", formulas));
      assertThat(a.status()).isEqualTo(RenderStatus.RENDERED);
      assertThat(b.status()).isEqualTo(RenderStatus.RENDERED);
      assertThat(a.frames().gray()).isEqualTo(b.frames().gray());
      assertThat(a.frames().chroma()).isEqualTo(b.frames().chroma());
      RenderResult c = pool.render(RenderRequest.frames("fmt-bad", broken));
      RenderResult d = without.render(RenderRequest.frames("plain-bad", broken));
      assertThat(c.status()).isEqualTo(RenderStatus.RUNTIME_ERROR);
      assertThat(c.message()).isEqualTo(d.message()).contains("LaTeX");
    }
  }

  @Test
  void drawingShortcutsDrawTheSamePixelsBitForBit() throws Exception {
    // A shaded 3D surface with axes under a rotating camera, and 2D layout that leans on bounding
    // boxes: every path the shortcuts replace, against manim's own code.
    String scene = "from manim import *\nclass S(ThreeDScene):\n    def construct(self):\n"
        + "        axes = ThreeDAxes(x_range=[-2, 2, 1], y_range=[-2, 2, 1], z_range=[-1, 1, 1])\n"
        + "        s = Surface(lambda u, v: axes.c2p(u, v, np.sin(u) * np.cos(v)), u_range=[-2, 2], v_range=[-2, 2],"
        + " resolution=(6, 6), fill_opacity=0.8)\n"
        + "        s.set_fill_by_value(axes=axes, colorscale=[(BLUE, -1), (YELLOW, 1)], axis=2)\n"
        + "        label = VGroup(Square(0.4), Circle(0.2)).arrange(RIGHT).to_corner(UL)\n"
        + "        self.set_camera_orientation(phi=60 * DEGREES, theta=-50 * DEGREES)\n"
        + "        self.add_fixed_in_frame_mobjects(label)\n"
        + "        self.play(Create(axes), FadeIn(s), run_time=0.6)\n"
        + "        self.begin_ambient_camera_rotation(rate=0.5)\n"
        + "        self.play(s.animate.shift(OUT * 0.5).scale(0.8), label.animate.next_to(ORIGIN, DOWN), run_time=0.6)\n";
    RenderConfig stock = ManimRuntimeFixture.config().render().withWorkers(1).withTimeoutSeconds(60)
        .withDrawingShortcuts(false);
    try (RenderWorkerPool without = ManimRuntimeFixture.pool(stock, scratch.resolve("no-shortcuts"))) {
      RenderResult fast = pool.render(RenderRequest.frames("shortcuts", scene));
      RenderResult plain = without.render(RenderRequest.frames("stock", scene));
      assertThat(fast.status()).as(fast.message() + fast.stderrText()).isEqualTo(RenderStatus.RENDERED);
      assertThat(plain.status()).as(plain.message() + plain.stderrText()).isEqualTo(RenderStatus.RENDERED);
      assertThat(fast.frames().count()).isEqualTo(plain.frames().count()).isGreaterThan(3);
      assertThat(fast.frames().gray()).isEqualTo(plain.frames().gray());
      assertThat(fast.frames().chroma()).isEqualTo(plain.frames().chroma());
    }
  }

  @Test
  void aRenderCannotPoisonTheLatexCache() {
    // Prime the cache, then let hostile code scribble SVGs wherever it can and leave a
    // background process rewriting them; the next render of the formula must be unchanged.
    RenderResult clean = pool.render(RenderRequest.frames("clean", FORMULA));
    assertThat(clean.status()).isEqualTo(RenderStatus.RENDERED);
    String evil = "<svg xmlns='http://www.w3.org/2000/svg'><rect width='9' height='9'/></svg>";
    String hostile = scene(("""
        import glob, time
        EVIL = "%s"
        def scribble():
            for d in ['/tmp', '/scratch', '/scratch/r', '/scratch/r/media', '/scratch/r/media/Tex', '/scratch/tmp']:
                os.makedirs(d, exist_ok=True) if d.startswith('/scratch/r') else None
                for name in glob.glob(d + '/**/*.svg', recursive=True) + [d + '/x.svg']:
                    try:
                        open(name, 'w').write(EVIL)
                    except OSError:
                        pass
        scribble()
        if os.fork() == 0:
            os.setsid()
            for _ in range(200):
                scribble()
                time.sleep(0.02)
            os._exit(0)
        """).formatted(evil));
    for (int i = 0; i < 2; i++) { // both workers
      assertThat(pool.render(RenderRequest.frames("hostile" + i, hostile)).status()).isEqualTo(RenderStatus.RENDERED);
    }
    for (int i = 0; i < 2; i++) {
      RenderResult again = pool.render(RenderRequest.frames("again" + i, FORMULA));
      assertThat(again.status()).isEqualTo(RenderStatus.RENDERED);
      assertThat(again.frames().gray()).as("formula frames after a hostile render").isEqualTo(clean.frames().gray());
    }
  }

  @Test
  void occupancyCountsTwoConcurrentRendersOnBothSlotsAndAccountsForEverySecond() throws Exception {
    long before = System.nanoTime();
    SlotOccupancy.Reading start = pool.occupancy();
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = two.submit(() -> pool.render(RenderRequest.frames("busy-a", CIRCLE)));
      var b = two.submit(() -> pool.render(RenderRequest.frames("busy-b", CIRCLE)));
      assertThat(a.get().status()).isEqualTo(RenderStatus.RENDERED);
      assertThat(b.get().status()).isEqualTo(RenderStatus.RENDERED);
    } finally {
      two.shutdownNow();
    }
    SlotOccupancy.Reading between = pool.occupancy().since(start);
    double elapsed = (System.nanoTime() - before) / 1e9;
    double[] s = between.secondsAtBusy();
    assertThat(s).hasSize(3);
    assertThat(s[2]).as("both workers rendering at once").isPositive();
    double total = s[0] + s[1] + s[2];
    assertThat(total).as("every second between the readings is at some level").isPositive().isLessThanOrEqualTo(elapsed);
  }

  @Test
  void layoutIsReadFromTheSceneInTheRewardProfile() {
    LayoutReport clean = pool.render(RenderRequest.frames("clean-layout", CIRCLE)).layout();
    assertThat(clean.applicable()).isTrue();
    assertThat(clean.framesChecked()).isEqualTo(10);
    assertThat(clean.offscreenFrames()).isZero();
    assertThat(clean.score()).isEqualTo(1.0);

    String offscreen = "from manim import *\nclass Off(Scene):\n    def construct(self):\n"
        + "        self.add(Text('far away').shift(RIGHT * 9))\n        self.play(Create(Circle()))\n";
    LayoutReport off = pool.render(RenderRequest.frames("off", offscreen)).layout();
    assertThat(off.offscreenFrames()).isEqualTo(off.framesChecked()).isPositive();
    assertThat(off.maxOffscreenMobjects()).isEqualTo(1);
    assertThat(off.score()).isEqualTo(0.5);

    String overlap = "from manim import *\nclass Pile(Scene):\n    def construct(self):\n"
        + "        self.play(Write(Text('Hello')), Write(MathTex('x^2').shift(RIGHT * 0.2)))\n        self.wait(0.4)\n";
    LayoutReport pile = pool.render(RenderRequest.frames("pile", overlap)).layout();
    assertThat(pile.textOverlapFrames()).isPositive();
    assertThat(pile.maxTextOverlaps()).isEqualTo(1);
    assertThat(pile.score()).isLessThan(1.0);

    String threeD = "from manim import *\nclass Box(ThreeDScene):\n    def construct(self):\n"
        + "        self.set_camera_orientation(phi=60 * DEGREES)\n        self.play(Create(Cube()))\n";
    LayoutReport cube = pool.render(RenderRequest.frames("cube", threeD)).layout();
    assertThat(cube.applicable()).isFalse();
    assertThat(cube.score()).isNull();
  }
}
