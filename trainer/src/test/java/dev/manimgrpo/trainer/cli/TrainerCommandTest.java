package dev.manimgrpo.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The trainer's command line: help, bad input, a tiny SFT run. */
class TrainerCommandTest {

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = TrainerCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpNamesEverySubcommand() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("sft", "grpo", "sample", "rsr", "bench", "export-policy");
    assertThat(run("grpo", "--help").out()).contains("--shard").contains("KL");
  }

  @Test
  void everySubcommandsHelpFormatsCleanly() {
    // picocli reports a bad format string (e.g. a bare '%') on System.err, not through setErr.
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      for (String sub : TrainerCommand.commandLine().getSubcommands().keySet()) {
        assertThat(run(sub, "--help").code()).as(sub).isZero();
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString()).doesNotContain("picocli WARN");
  }

  @Test
  void badConfigurationSaysWhichKeyAndExitsWithTwo() {
    Run r = run("sft", "--conf", "trainer.model.width=30", "--conf", "trainer.model.heads=4", "--run-dir",
        dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("trainer.model.width (30) must be a multiple of trainer.model.heads (4)")
        .doesNotContain("\tat ");
    Run unknown = run("sft", "--conf", "trainer.sft.stepz=3");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown config key 'trainer.sft.stepz'").contains("trainer.sft.steps");
    Run choice = run("sft", "--conf", "trainer.grpo.zero-variance=drop");
    assertThat(choice.code()).isEqualTo(2);
    assertThat(choice.err()).contains("trainer.grpo.zero-variance must be one of [skip, down-weight], got 'drop'");
  }

  @Test
  void grpoOnAMissingShardSaysSo() {
    Run r = run("grpo", "--shard", dir.resolve("no-shard").toString(), "--run-dir", dir.resolve("g").toString());
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("no-shard");
  }
}
