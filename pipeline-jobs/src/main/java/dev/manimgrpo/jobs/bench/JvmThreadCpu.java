package dev.manimgrpo.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * This JVM's CPU time per kind of thread, read from Linux's {@code /proc/self/task} (the JIT's
 * compiler threads and the GC's are not visible to {@code ThreadMXBean}). A benchmark takes a
 * snapshot before and after a run and prints the difference: where the CPU that the renders could
 * not have went. Empty where {@code /proc} is not there.
 */
final class JvmThreadCpu {

  /** The kinds, in the order they are printed. */
  static final String JIT = "JIT compiler";
  static final String GC = "garbage collector";
  static final String TASKS = "Spark tasks";
  static final String OTHER = "other threads";

  private static final long TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux ABI Java runs on

  private final Map<String, Long> ticksByThread;

  private JvmThreadCpu(Map<String, Long> ticksByThread) {
    this.ticksByThread = ticksByThread;
  }

  static JvmThreadCpu snapshot() {
    Map<String, Long> ticks = new HashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return new JvmThreadCpu(ticks);
    }
    try (Stream<Path> threads = Files.list(tasks)) {
      threads.forEach(t -> {
        try {
          String stat = Files.readString(t.resolve("stat"));
          // "tid (name) state ..." : the name may hold spaces and parentheses, so it is cut at the last ')'.
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
          // the thread ended between the listing and the read: its time is gone from both snapshots' view
        }
      });
    } catch (IOException e) {
      return new JvmThreadCpu(ticks);
    }
    return new JvmThreadCpu(ticks);
  }

  /** CPU seconds per kind of thread since {@code before} (threads that ended in between are not counted). */
  Map<String, Double> since(JvmThreadCpu before) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String kind : new String[] {JIT, GC, TASKS, OTHER}) {
      out.put(kind, 0.0);
    }
    ticksByThread.forEach((thread, ticks) -> {
      long delta = ticks - before.ticksByThread.getOrDefault(thread, 0L);
      out.merge(kind(thread.substring(thread.indexOf(' ') + 1)), delta / (double) TICKS_PER_SECOND, Double::sum);
    });
    return out;
  }

  /** The kind of a thread by its (Linux, 15-character) name. */
  static String kind(String name) {
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") || name.startsWith("Sweeper")) {
      return JIT;
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
      return GC;
    }
    if (name.startsWith("Executor task")) {
      return TASKS;
    }
    return OTHER;
  }
}
