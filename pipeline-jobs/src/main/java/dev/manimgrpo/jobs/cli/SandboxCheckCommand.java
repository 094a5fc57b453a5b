package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.RenderPoolRole;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.core.render.SandboxSelfCheck;
import dev.manimgrpo.jobs.report.TextTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs the hostile-code suite against this node's render sandbox. */
@Command(name = "sandbox-check", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Run the hostile-code suite through this node's render sandbox and say whether every attack failed.",
    description = {"%nEach case is a Manim scene that attacks the sandbox (secrets, network, host files, fork and",
        "memory bombs, forged results, planted state, ...). A case holds when the attack failed, the row records",
        "what happened, no process of it is left, the host is unchanged and the pool still renders. Prints one",
        "line per case with how long it held its render slot, then the limits in force. See SECURITY.md.",
        "%nExit codes: 0 every case held, 4 some case did not, 1 the environment failed.%n"})
public final class SandboxCheckCommand implements Callable<Integer> {

  /** Exit code when some attack was not contained. */
  public static final int EXIT_NOT_CONTAINED = 4;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PipelineConfig config = options.load();
    PrintWriter out = spec.commandLine().getOut();
    List<SandboxSelfCheck.Verdict> verdicts;
    String limits;
    try (RenderWorkerPool pool = new RenderWorkerPool(ManimRuntime.locate(config.runtime()), config.render(),
        config.render().resolvedScratchDir(config.cache()), RenderPoolRole.CANDIDATE)) {
      limits = pool.limits();
      out.printf(Locale.ROOT, "sandbox check: manim %s, %d worker(s)%n", pool.manimVersion(), config.render().workers());
      out.flush();
      verdicts = SandboxSelfCheck.run(pool, v -> {
        out.printf(Locale.ROOT, "  %-4s %-24s %-15s %6.2f s  %s%n", v.held() ? "ok" : "FAIL", v.name(),
            v.status().wireName(), v.slotSeconds(), v.attack());
        out.flush();
      });
    }
    TextTable t = new TextTable("case", "attack", "status", "slot s", "held", "detail").right(3);
    for (SandboxSelfCheck.Verdict v : verdicts) {
      t.add(v.name(), abbreviate(v.attack(), 50), v.status().wireName(), String.format(Locale.ROOT, "%.2f", v.slotSeconds()),
          v.held() ? "yes" : "NO", abbreviate(v.detail(), 70));
    }
    long failed = verdicts.stream().filter(v -> !v.held()).count();
    out.println();
    out.print(t.render());
    out.printf(Locale.ROOT, "%nlimits in force: %s%n%s%n", limits,
        failed == 0 ? "every case held (" + verdicts.size() + ")" : failed + " of " + verdicts.size() + " cases NOT contained");
    out.flush();
    return failed == 0 ? 0 : EXIT_NOT_CONTAINED;
  }

  private static String abbreviate(String s, int max) {
    String one = s == null ? "" : s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max - 3) + "...";
  }
}
