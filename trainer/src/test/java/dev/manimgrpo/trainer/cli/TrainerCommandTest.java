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
  void sftWithABaseModelTrainsALoraAdapterAndRefusesABadTarget() throws Exception {
    Path base = dev.manimgrpo.policy.hf.SyntheticCheckpoint.write(dir.resolve("base"),
        dev.manimgrpo.policy.hf.SyntheticCheckpoint.qwen2Config(16, 1, 2, 1, 32, 258, 2048), 1, 0.2);
    Run bad = run("sft", "--base-model", base.toString(), "--conf", "trainer.hf.lora.target-modules=[qkv]",
        "--run-dir", dir.resolve("bad").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown LoRA target module 'qkv'").contains("q_proj");
    assertThat(run("sft", "--base-model", base.toString(), "--conf", "trainer.hf.lora.target-modules=[qkv]",
        "--dry-run").code()).as("a dry run checks the targets too").isEqualTo(2);
    Run dry = run("sft", "--base-model", base.toString(), "--dry-run");
    assertThat(dry.code()).isZero();
    assertThat(dry.out()).contains(base.toString() + " (lora)");
    Run r = run("sft", "--base-model", base.toString(), "--conf", "trainer.sft.steps=2", "--conf",
        "trainer.sft.batch-size=1", "--conf", "trainer.hf.max-length=1200", "--run-dir", dir.resolve("run").toString(),
        "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("run/step-000002/adapter_model.safetensors")).exists();
  }

  @Test
  void grpoOnAMissingShardSaysSo() {
    Run r = run("grpo", "--shard", dir.resolve("no-shard").toString(), "--run-dir", dir.resolve("g").toString());
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("no-shard");
  }
}
