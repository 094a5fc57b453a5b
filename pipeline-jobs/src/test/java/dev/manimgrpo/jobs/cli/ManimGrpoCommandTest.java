package dev.manimgrpo.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ManimGrpoCommandTest {

  public record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = ManimGrpoCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpListsEverySubcommand() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("render-samples", "render", "sandbox-check", "bench-render", "bench-sandbox", "dataset", "config",
        "rollout", "grpo-loop", "score", "bench-rollout");
    assertThat(run("rollout", "--help").out()).contains("--run-id", "--step", "--prompts", "--checkpoint", "run_id=RUN/step=STEP");
    assertThat(run("grpo-loop", "--help").out()).contains("--steps", "--run-dir", "loop.json");
    assertThat(run("render", "--help").out()).contains("--profile", "--out", "--json", "--extract", "Exit codes");
    assertThat(run("render-samples", "--help").out()).contains("--conf", "--config", "--run-id", "reference_renders");
  }

  @Test
  void everySubcommandsHelpIsFormatted() {
    // A bare % in a description makes picocli print the raw text, "%n"s and all.
    for (String name : ManimGrpoCommand.commandLine().getSubcommands().keySet()) {
      Run r = run(name, "--help");
      assertThat(r.exit()).as(name).isZero();
      assertThat(r.out()).as(name + " --help").doesNotContain("%n").contains("Usage:");
    }
  }

  @Test
  void invalidConfigurationExitsWithTheInvalidInputCodeAndSaysWhy() {
    Run r = run("config", "--conf", "render.workers=0");
    assertThat(r.exit()).isEqualTo(ManimGrpoCommand.EXIT_INVALID_INPUT);
    assertThat(r.err()).contains("render.workers must be > 0").doesNotContain("at dev.manimgrpo");
    Run unknown = run("config", "--conf", "render.wrkers=2");
    assertThat(unknown.err()).contains("unknown config key 'render.wrkers'").contains("render.workers");
  }

  @Test
  void verboseAddsTheStackTrace() {
    assertThat(run("config", "--conf", "render.workers=0", "--verbose").err()).contains("at dev.manimgrpo");
  }

  @Test
  void bundledSetValidates() {
    Run r = run("dataset", "validate");
    assertThat(r.exit()).isZero();
  }
}
