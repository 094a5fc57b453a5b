package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafetensorsCheckpointTest {

  @TempDir
  Path dir;

  private final INDArray a = Nd4j.linspace(DataType.FLOAT, 1, 6, 6).reshape(2, 3);
  private final INDArray b = Nd4j.linspace(DataType.FLOAT, -1, 4, 4);
  private final INDArray c = Nd4j.linspace(DataType.FLOAT, 10, 2, 2);

  @Test
  void readsASingleFileCheckpoint() throws IOException {
    new SafetensorsWriter().f32("x.a", a).f32("x.b", b).write(dir.resolve("model.safetensors"));
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
      assertThat(ckpt.names()).containsExactly("x.a", "x.b");
      assertThat(ckpt.fileCount()).isEqualTo(1);
      assertThat(ckpt.tensor("x.a")).isEqualTo(a);
      assertThat(ckpt.info("x.b").shape()).containsExactly(4);
      assertThatThrownBy(() -> ckpt.tensor("nope")).hasMessageContaining("\"nope\"")
          .hasMessageContaining(dir.getFileName().toString());
    }
  }

  @Test
  void readsAShardedCheckpointThroughItsIndex() throws IOException {
    writeShards();
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
      assertThat(ckpt.names()).containsExactly("x.a", "x.b", "y.c");
      assertThat(ckpt.fileCount()).isEqualTo(2);
      assertThat(ckpt.fileOf("y.c")).endsWith("model-00002-of-00002.safetensors");
      assertThat(ckpt.tensor("x.a")).isEqualTo(a);
      assertThat(ckpt.tensor("x.b")).isEqualTo(b);
      assertThat(ckpt.tensor("y.c")).isEqualTo(c);
    }
  }

  @Test
  void aHadoopFolderReadsTheSameCheckpoint() throws IOException {
    writeShards();
    ModelFolder folder = new HadoopModelFolder(dir.toUri(), new Configuration());
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(folder)) {
      assertThat(ckpt.names()).containsExactly("x.a", "x.b", "y.c");
      assertThat(ckpt.tensor("y.c")).isEqualTo(c);
      assertThat(ckpt.tensor("x.a")).isEqualTo(a);
    }
  }

  @Test
  void theSingleFileWinsOverAnIndexAsInTransformers() throws IOException {
    writeShards();
    new SafetensorsWriter().f32("only", c).write(dir.resolve("model.safetensors"));
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
      assertThat(ckpt.names()).containsExactly("only");
    }
  }

  @Test
  void rejectsAnIndexThatNamesAMissingShard() throws IOException {
    writeShards();
    Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .isInstanceOf(SafetensorsFormatException.class)
        .hasMessageContaining("model-00002-of-00002.safetensors")
        .hasMessageContaining("not in the folder");
  }

  @Test
  void rejectsAnIndexThatMapsATensorToTheWrongShard() throws IOException {
    writeShards();
    index("{\"x.a\": \"model-00002-of-00002.safetensors\", \"x.b\": "
        + "\"model-00001-of-00002.safetensors\", \"y.c\": \"model-00002-of-00002.safetensors\"}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .hasMessageContaining("maps \"x.a\" to model-00002-of-00002.safetensors, which has no such tensor");
  }

  @Test
  void rejectsAShardTensorTheIndexDoesNotList() throws IOException {
    writeShards();
    index("{\"x.a\": \"model-00001-of-00002.safetensors\", \"y.c\": "
        + "\"model-00002-of-00002.safetensors\"}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .hasMessageContaining("model-00001-of-00002.safetensors holds tensor \"x.b\"")
        .hasMessageContaining("does not list it");
  }

  @Test
  void rejectsShardNamesOutsideTheFolder() throws IOException {
    writeShards();
    index("{\"x.a\": \"../model-00001-of-00002.safetensors\"}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .hasMessageContaining("\"x.a\"").hasMessageContaining("plain name");
  }

  @Test
  void saysWhatIsMissingFromAFolderWithoutSafetensors() throws IOException {
    Files.write(dir.resolve("pytorch_model.bin"), new byte[1]);
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .hasMessageContaining("no model.safetensors and no model.safetensors.index.json")
        .hasMessageContaining("PyTorch .bin");
  }

  private void writeShards() throws IOException {
    new SafetensorsWriter().f32("x.a", a).f32("x.b", b)
        .write(dir.resolve("model-00001-of-00002.safetensors"));
    new SafetensorsWriter().f32("y.c", c).write(dir.resolve("model-00002-of-00002.safetensors"));
    index("{\"x.a\": \"model-00001-of-00002.safetensors\", \"x.b\": "
        + "\"model-00001-of-00002.safetensors\", \"y.c\": \"model-00002-of-00002.safetensors\"}");
  }

  private void index(String weightMap) throws IOException {
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE),
        "{\"metadata\": {\"total_size\": 48}, \"weight_map\": " + weightMap + "}");
  }
}
