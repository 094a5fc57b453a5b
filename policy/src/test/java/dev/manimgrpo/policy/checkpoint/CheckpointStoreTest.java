package dev.manimgrpo.policy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointStoreTest {

  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  final CheckpointStore store = new CheckpointStore(new Configuration());

  static Checkpoint checkpoint(int step) {
    Nd4j.getRandom().setSeed(42 + step);
    Map<String, INDArray> weights = new LinkedHashMap<>();
    weights.put("embed.weight", Nd4j.rand(DataType.FLOAT, 5, 3));
    weights.put("head.bias", Nd4j.create(new float[] {Float.MIN_VALUE, -0.0f, Float.MAX_VALUE, 1e-38f}, new long[] {4}, 'c'));
    weights.put("norm.f64", Nd4j.rand(DataType.DOUBLE, 2, 3, 2).muli(Math.PI));
    weights.put("scale.scalar", Nd4j.scalar(0.125f));
    weights.put("scalar.f64", Nd4j.scalar(Math.E));
    weights.put("empty", Nd4j.create(DataType.FLOAT, 0));
    weights.put("empty.2d.f64", Nd4j.create(DataType.DOUBLE, 2, 0));
    // a transposed view: written in C order, so it must load equal to its own values
    weights.put("view.f", Nd4j.rand(DataType.FLOAT, 3, 4).transpose());
    Map<String, INDArray> optimizer = new LinkedHashMap<>();
    optimizer.put("adam.m.embed.weight", Nd4j.rand(DataType.DOUBLE, 5, 3));
    optimizer.put("adam.step", Nd4j.scalar((double) step));
    ObjectNode config = JSON.createObjectNode().put("d_model", 64).put("layers", 2).put("vocab", 512);
    ObjectNode state = JSON.createObjectNode().put("seed", 1234L).put("data_cursor", 17).put("finished_steps", step);
    state.putArray("rng").add(987654321L).add(-3L);
    return new Checkpoint(step, Instant.parse("2025-01-02T03:04:05.123456Z"), new DataDescription("bundled", "train", 33),
        Map.of("loss", 1.25, "reward_mean", Double.NaN), config,
        "{\"model\":{\"type\":\"BPE\"}}".getBytes(StandardCharsets.UTF_8), weights, optimizer, state);
  }

  @Test
  void aSavedCheckpointLoadsBackExactly() throws Exception {
    Checkpoint saved = checkpoint(123);
    URI where = store.save(dir.resolve("run").toUri(), saved);
    assertThat(Path.of(where)).isEqualTo(dir.resolve("run").resolve("step-000123"));
    try (Stream<Path> s = Files.list(Path.of(where))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("manifest.json", "model-config.json",
          "tokenizer.json", "weights.bin", "optimizer.bin", "trainer-state.json");
    }
    try (Stream<Path> s = Files.list(dir.resolve("run"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("step-000123"); // no temp folder left
    }

    Checkpoint loaded = store.load(where);
    assertThat(loaded.step()).isEqualTo(123);
    assertThat(loaded.createdAt()).isEqualTo(saved.createdAt());
    assertThat(loaded.data()).isEqualTo(saved.data());
    assertThat(loaded.metrics()).containsEntry("loss", 1.25);
    assertThat(loaded.metrics().get("reward_mean")).isNaN();
    assertThat(loaded.modelConfig()).isEqualTo(saved.modelConfig());
    // JSON keeps values, not Java number types (1234L comes back as an int node): compare the text
    assertThat(loaded.trainerState().toString()).isEqualTo(saved.trainerState().toString());
    assertThat(loaded.trainerState().path("seed").asLong()).isEqualTo(1234L);
    assertThat(loaded.tokenizer()).isEqualTo(saved.tokenizer());
    assertSameTensors(loaded.weights(), saved.weights());
    assertSameTensors(loaded.optimizerState(), saved.optimizerState());

    CheckpointManifest m = store.readManifest(where);
    assertThat(m.formatVersion()).isEqualTo(CheckpointStore.FORMAT_VERSION);
    assertThat(m.files()).extracting(CheckpointManifest.FileEntry::name).containsExactlyElementsOf(CheckpointStore.FILES);
    for (CheckpointManifest.FileEntry f : m.files()) {
      assertThat(Files.size(Path.of(where).resolve(f.name()))).as(f.name()).isEqualTo(f.size());
      assertThat(f.sha256()).hasSize(64);
    }
    JsonNode manifest = JSON.readTree(Path.of(where).resolve("manifest.json").toFile());
    assertThat(manifest.path("data").path("examples").asLong()).isEqualTo(33);
    assertThat(manifest.path("created_at").asText()).isEqualTo("2025-01-02T03:04:05.123456Z");
  }

  @Test
  void fileUrisWorkAndTheSameStepIsNotOverwritten() throws Exception {
    URI run = URI.create("file://" + dir.resolve("run"));
    store.save(run, checkpoint(1));
    assertThat(store.latest(run)).isPresent();
    assertThatThrownBy(() -> store.save(run, checkpoint(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already exists and is complete");
  }

  @Test
  void latestSkipsIncompleteCheckpoints() throws Exception {
    URI run = dir.resolve("run").toUri();
    assertThat(store.latest(run)).isEmpty();
    store.save(run, checkpoint(5));
    store.save(run, checkpoint(20));
    store.save(run, checkpoint(100));
    assertThat(store.latest(run)).map(Path::of).contains(dir.resolve("run/step-000100"));

    // a crash mid-save on an object store: files there, manifest not yet
    Path crashed = dir.resolve("run/step-000200");
    Files.createDirectories(crashed);
    Files.write(crashed.resolve("weights.bin"), new byte[] {1, 2, 3});
    // a truncated copy: manifest present, a file shorter than recorded
    Path truncated = dir.resolve("run/step-000150");
    copy(dir.resolve("run/step-000100"), truncated);
    Files.writeString(truncated.resolve("manifest.json"),
        Files.readString(truncated.resolve("manifest.json")).replace("\"step\" : 100", "\"step\" : 150"));
    byte[] w = Files.readAllBytes(truncated.resolve("weights.bin"));
    Files.write(truncated.resolve("weights.bin"), java.util.Arrays.copyOf(w, w.length - 10));
    // a leftover temp folder and an unrelated folder
    Files.createDirectories(dir.resolve("run/.step-000300.tmp-x"));
    Files.createDirectories(dir.resolve("run/logs"));

    assertThat(store.latest(run)).map(Path::of).contains(dir.resolve("run/step-000100"));
    assertThat(store.loadLatest(run)).get().extracting(Checkpoint::step).isEqualTo(100);
    assertThatThrownBy(() -> store.load(crashed.toUri()))
        .isInstanceOf(CheckpointCorruptException.class).hasMessageContaining("has no manifest.json: it is incomplete");
    assertThatThrownBy(() -> store.load(truncated.toUri()))
        .isInstanceOf(CheckpointCorruptException.class).hasMessageContaining("weights.bin has").hasMessageContaining("truncated");

    // saving the crashed step again replaces the incomplete folder
    store.save(run, checkpoint(200));
    assertThat(store.latest(run)).map(Path::of).contains(dir.resolve("run/step-000200"));
  }

  @Test
  void corruptedWeightsGiveAChecksumError() throws Exception {
    URI where = store.save(dir.resolve("run").toUri(), checkpoint(7));
    Path weights = Path.of(where).resolve("weights.bin");
    byte[] b = Files.readAllBytes(weights);
    b[b.length - 3] ^= 0x40; // one bit of the last tensor's data
    Files.write(weights, b);
    assertThatThrownBy(() -> store.load(where))
        .isInstanceOf(CheckpointCorruptException.class)
        .hasMessageContaining("checksum mismatch").hasMessageContaining("weights.bin")
        .hasMessageContaining("resume from an earlier checkpoint");
    // damage in the header is reported as damage too, not as a parse error
    b = Files.readAllBytes(weights);
    b[9] = 0x7f;
    Files.write(weights, b);
    assertThatThrownBy(() -> store.load(where)).hasMessageContaining("checksum mismatch");
  }

  @Test
  void int64TensorsSuchAsAnOptimizerStepRoundTrip() throws Exception {
    Map<String, INDArray> t = new LinkedHashMap<>();
    t.put("step", Nd4j.scalar(123_456_789_012L));
    t.put("counts", Nd4j.createFromArray(new long[][] {{1, -2}, {3, Long.MAX_VALUE}}));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    NamedTensorFormat.write(t, out);
    Map<String, INDArray> back = NamedTensorFormat.read(new java.io.ByteArrayInputStream(out.toByteArray()), out.size());
    assertThat(back.get("step").getLong(0)).isEqualTo(123_456_789_012L);
    assertThat(back.get("counts").dataType()).isEqualTo(org.nd4j.linalg.api.buffer.DataType.LONG);
    assertThat(back.get("counts")).isEqualTo(t.get("counts"));
  }

  @Test
  void unsupportedTensorTypesAreRefusedBeforeAnythingIsWritten() {
    Checkpoint c = checkpoint(3);
    Map<String, INDArray> w = new LinkedHashMap<>(c.weights());
    w.put("ids", Nd4j.createFromArray(1, 2, 3));
    Checkpoint bad = new Checkpoint(3, c.createdAt(), c.data(), c.metrics(), c.modelConfig(), c.tokenizer(), w,
        c.optimizerState(), c.trainerState());
    assertThatThrownBy(() -> store.save(dir.resolve("run").toUri(), bad))
        .hasMessageContaining("tensor 'ids' is INT").hasMessageContaining("castTo(DataType.FLOAT)");
    assertThat(dir.resolve("run")).isEmptyDirectory();
  }

  @Test
  void theTensorFormatIsTheDocumentedOne() throws Exception {
    Map<String, INDArray> t = new LinkedHashMap<>();
    t.put("a", Nd4j.create(new float[] {1.5f, -2f}, new long[] {1, 2}, 'c'));
    var out = new java.io.ByteArrayOutputStream();
    NamedTensorFormat.write(t, out);
    var bb = java.nio.ByteBuffer.wrap(out.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    bb.get(magic);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("MGTENSR1");
    assertThat(bb.getInt()).isEqualTo(1);
    assertThat(bb.getInt()).isEqualTo(1);
    assertThat((char) bb.get()).isEqualTo('a');
    assertThat(bb.get()).isEqualTo((byte) 1);
    assertThat(bb.getInt()).isEqualTo(2);
    assertThat(bb.getLong()).isEqualTo(1);
    assertThat(bb.getLong()).isEqualTo(2);
    assertThat(bb.getFloat()).isEqualTo(1.5f);
    assertThat(bb.getFloat()).isEqualTo(-2f);
    assertThat(bb.remaining()).isZero();
  }

  static void assertSameTensors(Map<String, INDArray> actual, Map<String, INDArray> expected) {
    assertThat(List.copyOf(actual.keySet())).containsExactlyElementsOf(expected.keySet());
    for (String name : expected.keySet()) {
      INDArray a = actual.get(name);
      INDArray e = expected.get(name);
      assertThat(a.dataType()).as(name).isEqualTo(e.dataType());
      assertThat(a.shape()).as(name).isEqualTo(e.shape());
      assertThat(a.rank()).as(name).isEqualTo(e.rank());
      if (e.length() > 0) {
        if (e.dataType() == DataType.FLOAT) {
          assertThat(a.dup('c').data().asFloat()).as(name).isEqualTo(e.dup('c').data().asFloat());
        } else {
          assertThat(a.dup('c').data().asDouble()).as(name).isEqualTo(e.dup('c').data().asDouble());
        }
      }
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }
}
