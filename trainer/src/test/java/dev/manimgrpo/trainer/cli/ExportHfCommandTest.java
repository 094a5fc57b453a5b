package dev.manimgrpo.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.SafetensorsCheckpoint;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.SafetensorsWriter;
import dev.manimgrpo.trainer.cli.TrainerCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code export-hf}: a tiny random Llama folder exported, sharded, in another dtype; bad input. */
class ExportHfCommandTest {

  private static final String CONFIG = """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
       "hidden_size": 32, "intermediate_size": 48, "max_position_embeddings": 64,
       "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
       "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true,
       "torch_dtype": "float32", "vocab_size": 40}
      """;

  @TempDir Path dir;

  private Path source() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("config.json"), CONFIG);
    Files.writeString(src.resolve("tokenizer_config.json"), "{}\n");
    Random r = new Random(3);
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    for (Map.Entry<String, long[]> e : HfWeights.layout(HfModelConfig.parse(CONFIG, "test")).entrySet()) {
      INDArray a = Nd4j.randn(r.nextLong(), e.getValue()).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).muli(0.2);
      w.f32(e.getKey(), a);
    }
    w.write(src.resolve("model.safetensors"));
    return src;
  }

  @Test
  void exportsAShardedBfloat16FolderThatLoadsBack() throws Exception {
    Path src = source();
    Path out = dir.resolve("out");
    Run r = TrainerCommandTest.run("export-hf", "--checkpoint", src.toString(), "--out", out.toString(),
        "--dtype", "bf16", "--max-shard-size", "10KB");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("LlamaForCausalLM", "as bfloat16", "tokenizer_config.json");
    assertThat(out.resolve("model.safetensors.index.json")).exists();
    assertThat(new ObjectMapper().readTree(out.resolve("config.json").toFile()).path("torch_dtype").asText())
        .isEqualTo("bfloat16");
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
      assertThat(ck.fileCount()).isGreaterThan(1);
      assertThat(ck.info(HfWeights.EMBED).dtype()).isEqualTo(SafetensorsDtype.BF16);
    }
    assertThat(HfCausalLm.load(out).config()).isEqualTo(HfCausalLm.load(src).config());
  }

  @Test
  void theDefaultDtypeIsTheCheckpointsAndBadInputIsOneLine() throws Exception {
    Path src = source();
    Path out = dir.resolve("same");
    assertThat(TrainerCommandTest.run("export-hf", "--checkpoint", src.toString(), "--out", out.toString()).code())
        .isZero();
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
      assertThat(ck.fileCount()).isEqualTo(1);
      assertThat(ck.info(HfWeights.EMBED).dtype()).isEqualTo(SafetensorsDtype.F32);
    }
    assertThat(HfCausalLm.load(out).weights().embedding()).isEqualTo(HfCausalLm.load(src).weights().embedding());

    Run dtype = TrainerCommandTest.run("export-hf", "--checkpoint", src.toString(), "--out", out.toString(),
        "--dtype", "int8");
    assertThat(dtype.code()).isEqualTo(2);
    assertThat(dtype.err()).contains("--dtype: 'int8' is not one of f32, bf16, f16").doesNotContain("\tat ");
    Run size = TrainerCommandTest.run("export-hf", "--checkpoint", src.toString(), "--out", out.toString(),
        "--max-shard-size", "lots");
    assertThat(size.code()).isEqualTo(2);
    assertThat(size.err()).contains("not a shard size: \"lots\"");
    Run missing = TrainerCommandTest.run("export-hf", "--checkpoint", dir.resolve("nope").toString(), "--out",
        out.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--checkpoint: " + dir.resolve("nope") + " does not exist");
    Run dry = TrainerCommandTest.run("export-hf", "--checkpoint", src.toString(), "--out",
        dir.resolve("dry").toString(), "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).startsWith("dry run: manim-grpo-trainer export-hf is valid: checkpoint=" + src);
    assertThat(dir.resolve("dry")).doesNotExist();
  }
}
