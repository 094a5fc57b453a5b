package dev.manimgrpo.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmThreadCpuTest {

  @Test
  void threadsAreSortedByWhatTheyDo() {
    assertThat(JvmThreadCpu.kind("C2 CompilerThre")).isEqualTo(JvmThreadCpu.JIT);
    assertThat(JvmThreadCpu.kind("C1 CompilerThre")).isEqualTo(JvmThreadCpu.JIT);
    assertThat(JvmThreadCpu.kind("G1 Conc#0")).isEqualTo(JvmThreadCpu.GC);
    assertThat(JvmThreadCpu.kind("GC Thread#1")).isEqualTo(JvmThreadCpu.GC);
    assertThat(JvmThreadCpu.kind("Executor task l")).isEqualTo(JvmThreadCpu.TASKS);
    assertThat(JvmThreadCpu.kind("dag-scheduler-e")).isEqualTo(JvmThreadCpu.OTHER);
  }

  @Test
  void aThreadThatComputesShowsUpInItsKind() throws Exception {
    JvmThreadCpu before = JvmThreadCpu.snapshot();
    java.util.concurrent.CountDownLatch computed = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
    Thread busy = new Thread(() -> {
      long end = System.nanoTime() + 300_000_000L;
      double x = 0;
      while (System.nanoTime() < end) {
        x += Math.sqrt(x + 1);
      }
      computed.countDown();
      try {
        measured.await(); // alive until measured: an ended thread leaves /proc/self/task
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (x < 0) {
        throw new AssertionError();
      }
    }, "Executor task launch worker-test");
    busy.start();
    computed.await();
    Map<String, Double> used = JvmThreadCpu.snapshot().since(before);
    measured.countDown();
    busy.join();
    assertThat(used).containsOnlyKeys(JvmThreadCpu.JIT, JvmThreadCpu.GC, JvmThreadCpu.TASKS, JvmThreadCpu.OTHER);
    assertThat(used.values()).allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(0));
    if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"))) {
      assertThat(used.get(JvmThreadCpu.TASKS)).isGreaterThan(0.1);
    }
  }
}
