package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.CheckResult;
import dev.manimgrpo.core.preflight.Preflight;
import dev.manimgrpo.core.preflight.PreflightReport;
import dev.manimgrpo.jobs.report.TextTable;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs the executor preflight on this node, for the resolved configuration. */
@Command(name = "preflight", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Check that this node can run manim-grpo's tasks: runtime, manim version, sandbox, cgroups, policy natives.",
    description = {"%nThe same checks every Spark executor runs at start (preflight.* in the configuration): the",
        "Manim runtime for runtime.mode and its version (preflight.manim-version), bubblewrap and a real",
        "`bwrap ... true` in the render sandbox (user namespaces), the seccomp filter and cgroup v2 delegation",
        "(warnings: renders then run under rlimits and the worker's watchdog), and ND4J's native backend when",
        "the policy backend is dl4j. Each failure says what to install or set. No render, a few seconds at most.",
        "%nExit codes: 0 no check failed (warnings allowed), 1 some check failed.%n"})
public final class PreflightCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PipelineConfig config = options.load();
    PreflightReport report = Preflight.run(config, hostName(), "local");
    PrintWriter out = spec.commandLine().getOut();
    TextTable t = new TextTable("check", "status", "detail");
    for (CheckResult r : report.results()) {
      t.add(r.check(), r.status().name().toLowerCase(Locale.ROOT), r.detail());
    }
    out.printf(Locale.ROOT, "preflight on %s (runtime.mode=%s, policy.backend=%s)%n%n", report.host(),
        config.runtime().mode().configName(), config.policy().backend().name().toLowerCase(Locale.ROOT));
    out.print(t.render());
    List<CheckResult> toDo = report.results().stream()
        .filter(r -> r.status() != CheckResult.Status.OK && !r.remedy().isEmpty()).toList();
    if (!toDo.isEmpty()) {
      out.printf(Locale.ROOT, "%nwhat to do:%n");
      toDo.forEach(r -> out.printf(Locale.ROOT, "  %s (%s): %s%n", r.check(),
          r.status().name().toLowerCase(Locale.ROOT), r.remedy()));
    }
    int failed = report.failures().size();
    int warned = report.warnings().size();
    out.printf(Locale.ROOT, "%n%s%n", failed == 0
        ? "ready" + (warned == 0 ? "" : " (" + warned + (warned == 1 ? " warning)" : " warnings)"))
        : failed + (failed == 1 ? " check failed" : " checks failed") + ": this node cannot run manim-grpo tasks");
    out.flush();
    return failed == 0 ? 0 : ManimGrpoCommand.EXIT_FAILURE;
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
