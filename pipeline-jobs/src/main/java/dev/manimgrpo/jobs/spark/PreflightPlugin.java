package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.CheckResult;
import dev.manimgrpo.core.preflight.Preflight;
import dev.manimgrpo.core.preflight.PreflightReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark plugin ({@code spark.plugins}, added by {@link SparkSessions}) that runs the preflight on
 * every executor once, at executor start, for the job's configuration, and reports the result to
 * the driver. The driver side keeps the reports for {@link PreflightGate}; the executor side
 * records its own for {@link ExecutorPreflight}. The configuration travels in the plugin's extra
 * settings (to the executors only; not in the SparkConf, its UI or its logs).
 */
public final class PreflightPlugin implements SparkPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(PreflightPlugin.class);
  /** Extra setting holding the job's configuration, Java-serialised, Base64. */
  static final String CONFIG = "manim-grpo.preflight.config";

  /** The configuration the next SparkContext of this JVM checks its executors for. */
  private static volatile PipelineConfig pending;
  /** The SparkContext whose driver plugin is running, and the reports it received, by executor id. */
  private static volatile SparkContext active;
  private static final Map<String, PreflightReport> REPORTS = new ConcurrentHashMap<>();

  /** Called before the session starts: its executors check {@code config}. */
  static void prepare(PipelineConfig config) {
    pending = config;
  }

  /** Whether this plugin's driver side runs in {@code sc} (a session made elsewhere may lack it). */
  static boolean activeIn(SparkContext sc) {
    return active == sc;
  }

  /** The reports received so far from the active context's executors. */
  static Collection<PreflightReport> reports() {
    return List.copyOf(REPORTS.values());
  }

  @Override
  public DriverPlugin driverPlugin() {
    return new Driver();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new Executor();
  }

  /** Hands the configuration to the executors and collects their reports. */
  static final class Driver implements DriverPlugin {

    @Override
    public Map<String, String> init(SparkContext sc, PluginContext ctx) {
      REPORTS.clear();
      active = sc;
      PipelineConfig config = pending;
      return config == null ? Map.of() : Map.of(CONFIG, encode(config));
    }

    @Override
    public Object receive(Object message) {
      if (message instanceof PreflightReport r) {
        REPORTS.put(r.executorId(), r);
        if (!r.ok()) {
          LOG.warn("{}", PreflightReport.failureMessage(List.of(r)));
        } else {
          LOG.info("preflight ok on {}{}", r.node(), r.warnings().isEmpty() ? ""
              : "; warnings: " + String.join("; ", r.warnings().stream().map(w -> w.check() + ": " + w.detail())
                  .toList()));
        }
      }
      return null;
    }

    @Override
    public void shutdown() {
      active = null;
      REPORTS.clear();
    }
  }

  /** Checks this executor at start, records the result and reports it to the driver. */
  static final class Executor implements ExecutorPlugin {

    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
      String encoded = extraConf.get(CONFIG);
      if (encoded == null) {
        return;
      }
      String host = host(ctx);
      PreflightReport report;
      try {
        report = Preflight.run(decode(encoded), host, ctx.executorID());
      } catch (RuntimeException | LinkageError e) {
        // Never keep the executor from starting (Spark would start another, and another): the
        // failure becomes its report.
        report = new PreflightReport(host, ctx.executorID(), List.of(CheckResult.failed("preflight",
            "the checks could not run: " + e, "run `manim-grpo preflight` on this node for details")));
      }
      ExecutorPreflight.record(report);
      log(report);
      try {
        ctx.send(report);
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot send the preflight report to the driver: {}", e.getMessage());
      }
    }

    /**
     * The executor's host as the driver knows it (its block manager's). Not
     * {@code PluginContext.hostname()}: an executor's RPC environment has no address of its own,
     * and that call fails there.
     */
    private static String host(PluginContext ctx) {
      try {
        SparkEnv env = SparkEnv.get();
        if (env != null && env.blockManager() != null && env.blockManager().blockManagerId() != null) {
          return env.blockManager().blockManagerId().host();
        }
      } catch (RuntimeException e) {
        // not initialised here: the local name below
      }
      try {
        return ctx.hostname();
      } catch (RuntimeException e) {
        try {
          return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException u) {
          return "unknown-host";
        }
      }
    }

    private static void log(PreflightReport report) {
      List<String> lines = new ArrayList<>();
      for (CheckResult r : report.results()) {
        lines.add(String.format("  %-8s %-22s %s%s", r.status(), r.check(), r.detail(),
            r.remedy().isEmpty() || r.status() == CheckResult.Status.OK ? "" : " -> " + r.remedy()));
      }
      String text = "preflight on " + report.node() + (report.ok() ? ": ok" : ": FAILED") + "\n"
          + String.join("\n", lines);
      if (report.ok()) {
        LOG.info(text);
      } else {
        LOG.error(text);
      }
    }
  }

  static String encode(PipelineConfig config) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static PipelineConfig decode(String encoded) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
      return (PipelineConfig) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the job's configuration for the preflight: " + e, e);
    }
  }
}
