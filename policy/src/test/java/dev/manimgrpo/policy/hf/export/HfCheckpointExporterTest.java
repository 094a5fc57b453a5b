package dev.manimgrpo.policy.hf.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.SafetensorsCheckpoint;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Exports read back by our own loader: names, shards, index, config and copied files (no oracle). */
class HfCheckpointExporterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[][] TOKENS = {{3, 17, 5, 39, 0, 21, 8}, {12, 1, 30, 30, 2, 7, 19}};
  private static final int[][] MASK = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1}};

  @TempDir Path dir;

  @Test
  void aFloat32ExportShardedSmallLoadsBackToTheSameLogits() throws IOException {
    HfModelConfig c = ExportTestModels.llama();
    Path src = ExportTestModels.sourceFolder(dir.resolve("src"), ExportTestModels.tensors(c, 7));
    HfCausalLm source = HfCausalLm.load(src);
    Path out = dir.resolve("out");
    HfCheckpointExporter.Result r = HfCheckpointExporter.export(ModelFolder.local(src), source.weights(),
        Optional.empty(), ExportFolder.local(out), new HfCheckpointExporter.Options(SafetensorsDtype.F32, 20_000));

    assertThat(r.weightFiles()).hasSizeGreaterThan(2).allMatch(f -> f.matches("model-\\d{5}-of-\\d{5}\\.safetensors"));
    assertThat(r.copiedFiles()).containsExactly("tokenizer.json", "generation_config.json");
    assertThat(HfCausalLm.load(out).logits(TOKENS, MASK)).isEqualTo(source.logits(TOKENS, MASK));

    JsonNode index = JSON.readTree(out.resolve(SafetensorsCheckpoint.INDEX_FILE).toFile());
    long total = HfWeights.layout(c).values().stream()
        .mapToLong(s -> 4 * java.util.Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum();
    assertThat(index.path("metadata").path("total_size").asLong()).isEqualTo(total);
    assertThat(index.path("weight_map").size()).isEqualTo(HfWeights.layout(c).size());
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
      assertThat(ck.fileCount()).isEqualTo(r.weightFiles().size());
      assertThat(ck.names()).containsExactlyInAnyOrderElementsOf(HfWeights.layout(c).keySet());
    }

    ObjectNode expected = (ObjectNode) JSON.readTree(ExportTestModels.LLAMA);
    expected.put("torch_dtype", "float32");
    assertThat(JSON.readTree(out.resolve("config.json").toFile())).isEqualTo(expected);
    assertThat(Files.readAllBytes(out.resolve("tokenizer.json"))).isEqualTo(Files.readAllBytes(src.resolve("tokenizer.json")));
    assertThat(out.resolve("generation_config.json")).exists();
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void aBfloat16ExportHoldsEachWeightRoundedToNearestEven() throws IOException {
    HfModelConfig c = ExportTestModels.llama();
    Map<String, INDArray> tensors = ExportTestModels.tensors(c, 8);
    Path src = ExportTestModels.sourceFolder(dir.resolve("src"), tensors);
    Path out = dir.resolve("out");
    HfCheckpointExporter.export(ModelFolder.local(src), HfCausalLm.load(src).weights(), Optional.empty(),
        ExportFolder.local(out), new HfCheckpointExporter.Options(SafetensorsDtype.BF16,
            ShardPlan.DEFAULT_MAX_SHARD_BYTES));
    assertThat(out.resolve("model.safetensors")).exists();
    assertThat(out.resolve(SafetensorsCheckpoint.INDEX_FILE)).doesNotExist();
    assertThat(JSON.readTree(out.resolve("config.json").toFile()).path("torch_dtype").asText()).isEqualTo("bfloat16");
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
      for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
        assertThat(ck.info(e.getKey()).dtype()).isEqualTo(SafetensorsDtype.BF16);
        float[] want = e.getValue().data().asFloat();
        float[] got = ck.tensor(e.getKey()).data().asFloat();
        for (int i = 0; i < want.length; i++) {
          float rounded = Float.intBitsToFloat((SafetensorsWriter.floatToBf16(want[i]) & 0xffff) << 16);
          assertThat(got[i]).as(e.getKey() + "[" + i + "]").isEqualTo(rounded);
        }
      }
    }
  }

  @Test
  void exportingOverAnEarlierExportLeavesOnlyTheNewLayoutsEntryPoint() throws IOException {
    HfModelConfig c = ExportTestModels.llama();
    Path src = ExportTestModels.sourceFolder(dir.resolve("src"), ExportTestModels.tensors(c, 11));
    HfWeights w = HfCausalLm.load(src).weights();
    Path out = dir.resolve("out");
    var single = new HfCheckpointExporter.Options(SafetensorsDtype.F32, ShardPlan.DEFAULT_MAX_SHARD_BYTES);
    var sharded = new HfCheckpointExporter.Options(SafetensorsDtype.BF16, 20_000);
    HfCheckpointExporter.export(ModelFolder.local(src), w, Optional.empty(), ExportFolder.local(out), single);
    HfCheckpointExporter.export(ModelFolder.local(src), w, Optional.empty(), ExportFolder.local(out), sharded);
    assertThat(out.resolve(SafetensorsCheckpoint.SINGLE_FILE)).doesNotExist();
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
      assertThat(ck.info(HfWeights.EMBED).dtype()).isEqualTo(SafetensorsDtype.BF16);
    }
    HfCheckpointExporter.export(ModelFolder.local(src), w, Optional.empty(), ExportFolder.local(out), single);
    assertThat(out.resolve(SafetensorsCheckpoint.INDEX_FILE)).doesNotExist();
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
      assertThat(ck.info(HfWeights.EMBED).dtype()).isEqualTo(SafetensorsDtype.F32);
    }
  }

  @Test
  void aHadoopFolderTakesTheSameExport() throws IOException {
    HfModelConfig c = ExportTestModels.llama();
    Path src = ExportTestModels.sourceFolder(dir.resolve("src"), ExportTestModels.tensors(c, 9));
    HfCausalLm source = HfCausalLm.load(src);
    Path out = dir.resolve("via-hadoop");
    ExportFolder folder = ExportFolder.hadoop(out.toUri(), new Configuration());
    assertThat(folder).isInstanceOf(HadoopExportFolder.class);
    HfCheckpointExporter.export(ModelFolder.local(src), source.weights(), Optional.empty(), folder,
        new HfCheckpointExporter.Options(SafetensorsDtype.F32, 30_000));
    assertThat(HfCausalLm.load(out).logits(TOKENS, MASK)).isEqualTo(source.logits(TOKENS, MASK));
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }
  }

  @Test
  void weightsOfAnotherConfigAreRefusedAndLocationsPickTheirFolder() throws IOException {
    HfModelConfig c = ExportTestModels.llama();
    Path src = ExportTestModels.sourceFolder(dir.resolve("src"), ExportTestModels.tensors(c, 10));
    HfWeights weights = HfCausalLm.load(src).weights();
    Files.writeString(src.resolve("config.json"), ExportTestModels.LLAMA.replace("1e-05", "1e-06"));
    assertThatThrownBy(() -> HfCheckpointExporter.export(ModelFolder.local(src), weights, Optional.empty(),
        ExportFolder.local(dir.resolve("out")), new HfCheckpointExporter.Options(SafetensorsDtype.F32, 1000)))
        .hasMessageContaining("is not the one of");
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(ExportFolder.of(dir.resolve("x").toString(), new Configuration())).isInstanceOf(LocalExportFolder.class);
    assertThat(ExportFolder.of(dir.resolve("x").toUri().toString(), new Configuration()))
        .isInstanceOf(LocalExportFolder.class);
    assertThat(HfCheckpointExporter.configDtype(ExportTestModels.LLAMA)).contains(SafetensorsDtype.BF16);
    assertThat(HfCheckpointExporter.configDtype("{\"dtype\": \"float16\"}")).contains(SafetensorsDtype.F16);
    assertThat(HfCheckpointExporter.configDtype("{}")).isEmpty();
    assertThat(List.of(SafetensorsDtype.F32, SafetensorsDtype.BF16, SafetensorsDtype.F16))
        .extracting(HfCheckpointExporter::torchName).containsExactly("float32", "bfloat16", "float16");
  }
}
