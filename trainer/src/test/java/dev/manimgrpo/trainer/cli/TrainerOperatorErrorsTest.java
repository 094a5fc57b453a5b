package dev.manimgrpo.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.trainer.cli.TrainerCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's command line on bad input: one line naming the key or path, exit 2; and --dry-run. */
class TrainerOperatorErrorsTest {

  @TempDir Path dir;

  private static void assertOneCleanLine(Run r, String... named) {
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(named).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
  }

  @Test
  void badValuesAndMissingInputsAreOneLineNamingTheKeyOrPath() throws Exception {
    assertOneCleanLine(TrainerCommandTest.run("rsr", "--conf", "render.workers=abc"),
        "manim-grpo-trainer rsr: render.workers: 'abc' is not a whole number (accepted: a whole number");
    String shard = dir.resolve("no-shard").toString();
    assertOneCleanLine(TrainerCommandTest.run("grpo", "--shard", shard, "--run-dir", dir.resolve("g").toString()),
        "--shard: " + shard + " does not exist", "accepted: a rollout shard");
    assertOneCleanLine(TrainerCommandTest.run("sft", "--conf", "dataset.path=" + dir.resolve("x.parquet")),
        "dataset.path: " + dir.resolve("x.parquet") + " does not exist");
    assertOneCleanLine(TrainerCommandTest.run("sample", "--conf", "policy.checkpoint=" + dir.resolve("ckpt"), "hi"),
        "policy.checkpoint: " + dir.resolve("ckpt") + " does not exist");
    assertOneCleanLine(TrainerCommandTest.run("export-policy", "--from", dir.resolve("ckpt").toString(), "--to",
        dir.resolve("out").toString()), "--from: " + dir.resolve("ckpt") + " does not exist");
    assertOneCleanLine(TrainerCommandTest.run("grpo"), "Missing required option: '--shard=DIR'");
    Run verbose = TrainerCommandTest.run("sft", "--conf", "trainer.sft.steps=x", "--verbose");
    assertThat(verbose.code()).isEqualTo(2);
    assertThat(verbose.err()).contains("trainer.sft.steps: 'x'").contains("\tat ");
  }

  @Test
  void dryRunChecksAndStartsNothing() throws Exception {
    Path shard = Files.createDirectories(dir.resolve("shard"));
    Run grpo = TrainerCommandTest.run("grpo", "--shard", shard.toString(), "--dry-run", "--run-dir",
        dir.resolve("g").toString());
    assertThat(grpo.code()).as(grpo.err()).isZero();
    assertThat(grpo.out()).startsWith("dry run: manim-grpo-trainer grpo is valid: shard=" + shard)
        .contains("policy=dl4j bundled-hf (the bundled starter)", "output=" + dir.resolve("g"));
    assertThat(dir.resolve("g")).doesNotExist();
    for (List<String> args : List.of(List.of("sft", "--dry-run", "--run-dir", dir.resolve("s").toString()),
        List.of("sample", "hi", "--dry-run"), List.of("rsr", "--dry-run"), List.of("bench", "--dry-run"),
        List.of("sample", "hi", "--dry-run", "--conf", "policy.checkpoint=bundled-own"),
        List.of("grpo", "--shard", shard.toString(), "--reference", "bundled", "--dry-run"))) {
      Run ok = TrainerCommandTest.run(args.toArray(String[]::new));
      assertThat(ok.code()).as(args + ": " + ok.err()).isZero();
      assertThat(ok.out()).startsWith("dry run: manim-grpo-trainer " + args.get(0) + " is valid");
    }
    assertThat(dir.resolve("s")).doesNotExist();
    Run bad = TrainerCommandTest.run("grpo", "--shard", dir.resolve("none").toString(), "--dry-run");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.out()).doesNotContain("dry run:");
  }
}
