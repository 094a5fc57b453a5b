package dev.manimgrpo.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.policy.hf.HfOracle;
import dev.manimgrpo.trainer.cli.TrainerCommandTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manim-grpo-trainer export-gguf}: checks, dry run, and a real export of a tiny checkpoint. */
class ExportGgufCommandTest {

  @TempDir Path dir;

  @Test
  void dryRunChecksTheCheckpointAndWritesNothing() throws Exception {
    Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
    Run ok = TrainerCommandTest.run("export-gguf", "--checkpoint", ckpt.toString(), "--out",
        dir.resolve("m.gguf").toString(), "--type", "f16", "--dry-run");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("dry run: manim-grpo-trainer export-gguf is valid").contains("type=F16");
    assertThat(dir.resolve("m.gguf")).doesNotExist();

    Run missing = TrainerCommandTest.run("export-gguf", "--checkpoint", dir.resolve("none").toString(), "--out",
        dir.resolve("m.gguf").toString(), "--dry-run");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("none").doesNotContain("\tat ");

    Run badType = TrainerCommandTest.run("export-gguf", "--checkpoint", ckpt.toString(), "--out",
        dir.resolve("m.gguf").toString(), "--type", "q4");
    assertThat(badType.code()).isEqualTo(2);
    assertThat(badType.err()).contains("--type must be f32 or f16");
  }

  @Test
  @Tag("hf")
  void exportsATinyCheckpoint() throws Exception {
    Path out = dir.resolve("sub/qwen2.gguf");
    Run r = TrainerCommandTest.run("export-gguf", "--checkpoint", HfOracle.tinyModels().resolve("qwen2").toString(),
        "--out", out.toString(), "--type", "f16");
    assertThat(r.code()).as(r.err()).isZero();
    byte[] head = Arrays.copyOf(Files.readAllBytes(out), 4);
    assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("GGUF");
    assertThat(out.resolveSibling("qwen2.gguf.partial")).doesNotExist();
  }
}
