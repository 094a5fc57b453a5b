package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.manimgrpo.core.config.RenderConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-code suite ({@link SandboxSelfCheck}) against a real pool: every attack fails, the
 * row says what happened, nothing of a render outlives it and the pool keeps rendering.
 *
 * <p>The pool has the default configuration but a 60 s timeout, so a case that only the timeout
 * could stop shows as a slot time near 60 s; the stall watchdog keeps its default 20 s, so the
 * slot times printed are those a real pool would see.
 */
@Tag("manim")
@Tag("security")
class HostileRenderSuiteTest {

  /**
   * Cases the issue bounds: "a fork bomb or a CPU spin should cost seconds of a render slot, not
   * the timeout". Bounded well under the 60 s timeout, not tightly: the machine may be busy.
   */
  static final Map<String, Double> SLOT_BOUNDS = Map.of(
      "fork-bomb", 45.0, "fork-bomb-retrying", 45.0, "fork-bomb-shell", 45.0, "cpu-spin", 45.0);
  static final int SANDBOX_UIDS_LOW = 60000;
  static final int SANDBOX_UIDS_HIGH = 61000;

  @TempDir static Path scratch;
  static RenderWorkerPool pool;
  static List<Long> workersBefore;
  static List<SandboxSelfCheck.Verdict> verdicts;

  @BeforeAll
  static void runTheSuite() {
    RenderConfig render = ManimRuntimeFixture.config().render().withWorkers(2).withTimeoutSeconds(60);
    pool = ManimRuntimeFixture.pool(render, scratch);
    workersBefore = pool.workerPids();
    System.out.println("render pool limits: " + pool.limits());
    System.out.println(String.format(Locale.ROOT, "%-26s | %-14s | %12s | %s", "case", "status", "slot seconds", "held"));
    verdicts = SandboxSelfCheck.run(pool, v -> System.out.println(String.format(Locale.ROOT, "%-26s | %-14s | %12.1f | %s",
        v.name(), v.status().wireName(), v.slotSeconds(), v.held() ? "held" : "NOT HELD: " + v.detail())));
  }

  @AfterAll
  static void stopPool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void everyCaseRan() {
    assertThat(verdicts.stream().map(SandboxSelfCheck.Verdict::name).toList())
        .containsExactlyElementsOf(SandboxSelfCheck.caseNames());
  }

  @Test
  void everyAttackFailed() {
    List<String> notHeld = verdicts.stream().filter(v -> !v.held())
        .map(v -> v.name() + " (" + v.attack() + "): " + v.status().wireName() + " " + v.detail())
        .toList();
    assertThat(notHeld).as("cases that did not hold:%n%s", String.join("\n", notHeld)).isEmpty();
  }

  @Test
  void forkBombsAndSpinsCostSecondsNotTheTimeout() {
    for (SandboxSelfCheck.Verdict v : verdicts) {
      Double bound = SLOT_BOUNDS.get(v.name());
      if (bound != null) {
        assertThat(v.slotSeconds()).as("%s held its render slot (%s)", v.name(), v.detail()).isLessThan(bound);
      }
    }
    assertThat(verdicts.stream().map(SandboxSelfCheck.Verdict::name).collect(Collectors.toSet()))
        .containsAll(SLOT_BOUNDS.keySet());
  }

  @Test
  void thePoolKeepsItsWorkers() {
    // Workers that renders killed were replaced (new pids); the count is the pool's.
    List<Long> now = pool.workerPids();
    assertThat(now).hasSameSizeAs(workersBefore).hasSize(2);
    for (long pid : now) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("worker %d", pid).isTrue();
    }
    RenderResult r = pool.render(RenderRequest.frames("after-suite", RenderWorkerPoolTest.CIRCLE));
    assertThat(r.status()).as(r.message() + r.stderrText()).isEqualTo(RenderStatus.RENDERED);
  }

  @Test
  void noSandboxProcessOutlivesTheSuite() {
    // Sandboxes run as uids of their own only when the JVM is root; otherwise they share its uid.
    assumeTrue(Sandbox.jvmIsRoot(), "sandbox uids are the JVM's own uid when the JVM is not root");
    Set<Long> ours = new HashSet<>();
    for (long pid : pool.workerPids()) {
      ProcessHandle.of(pid).ifPresent(w -> w.descendants().forEach(d -> ours.add(d.pid())));
    }
    long me = ProcessHandle.current().pid();
    List<String> outside = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> {
      Integer uid = SandboxSelfCheck.uidOf(p.pid());
      if (uid == null || uid < SANDBOX_UIDS_LOW || uid >= SANDBOX_UIDS_HIGH || ours.contains(p.pid())) {
        return;
      }
      // Of this JVM: only the pool's workers' trees. Elsewhere on a shared host, other JVMs'
      // sandboxes (another test run, an executor) are theirs; a process that escaped its sandbox
      // has no bubblewrap above it any more.
      boolean fromThisJvm = ancestors(p).stream().anyMatch(a -> a.pid() == me);
      if (fromThisJvm || !SandboxSelfCheck.underBubblewrap(p)) {
        outside.add(p.pid() + " (uid " + uid + ") " + p.info().commandLine().orElse("?"));
      }
    });
    assertThat(outside).as("sandbox processes outside the pool's workers").isEmpty();
  }

  private static List<ProcessHandle> ancestors(ProcessHandle p) {
    List<ProcessHandle> chain = new ArrayList<>();
    for (ProcessHandle h = p.parent().orElse(null); h != null; h = h.parent().orElse(null)) {
      chain.add(h);
    }
    return chain;
  }
}
