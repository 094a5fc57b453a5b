package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PreflightConfig;
import dev.manimgrpo.core.preflight.PreflightException;
import dev.manimgrpo.core.preflight.PreflightReport;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the preflight, before a job's first stage: waits (at most
 * {@code preflight.wait-seconds}) until every registered executor has reported, and fails the job
 * with one message naming each failing node and what to install. Executors that register later
 * are not waited for: their tasks fail fast instead ({@link ExecutorPreflight}).
 */
final class PreflightGate {

  private static final Logger LOG = LoggerFactory.getLogger(PreflightGate.class);
  private static final long POLL_MILLIS = 100;

  private PreflightGate() {}

  /** Checks the executors of {@code sc}, whose driver runs {@link PreflightPlugin}. */
  static void check(SparkContext sc, PreflightConfig config) {
    boolean local = sc.isLocal();
    boolean dynamic = sc.conf().getBoolean("spark.dynamicAllocation.enabled", false);
    // On local Spark the driver's own entry is the executor; elsewhere it is the driver alone.
    IntSupplier registered = () -> Math.max(0, sc.statusTracker().getExecutorInfos().length - (local ? 0 : 1));
    check(registered, PreflightPlugin::reports, !local && !dynamic, config.waitSeconds() * 1000L);
  }

  /**
   * Waits for the reports, then throws if any failed.
   *
   * @param registered executors registered now (it may grow while waiting)
   * @param reports the reports received so far
   * @param waitForFirst also wait for a first executor to register (a static allocation: without
   *     one no stage can start anyway)
   * @param maxMillis the longest wait
   */
  static void check(IntSupplier registered, Supplier<Collection<PreflightReport>> reports, boolean waitForFirst,
      long maxMillis) {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    Collection<PreflightReport> got = reports.get();
    int expected = registered.getAsInt();
    while (got.size() < expected || (expected == 0 && waitForFirst)) {
      if (System.nanoTime() >= deadline) {
        if (expected == 0) {
          LOG.warn("preflight: no executor registered within {} s (preflight.wait-seconds); going on, and an"
              + " executor that fails its preflight fails its tasks", maxMillis / 1000);
        } else {
          LOG.warn("preflight: {} of {} registered executors reported within {} s (preflight.wait-seconds); going"
              + " on, and an executor that failed it fails its tasks", got.size(), expected, maxMillis / 1000);
        }
        break;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      got = reports.get();
      expected = registered.getAsInt();
    }
    List<PreflightReport> failed = got.stream().filter(r -> !r.ok())
        .sorted(Comparator.comparing(PreflightReport::host).thenComparing(PreflightReport::executorId)).toList();
    if (!failed.isEmpty()) {
      throw new PreflightException(PreflightReport.failureMessage(failed));
    }
    LOG.info("preflight: {} executor(s) ready", got.size());
  }
}
