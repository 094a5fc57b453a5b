package dev.manimgrpo.policy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.manimgrpo.core.s3.S3ProxyServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Checkpoints on s3a:// against a real S3-compatible server: save, find the newest, load exactly. */
@Tag("s3")
class CheckpointS3aTest {

  @TempDir Path dir;

  @Test
  void checkpointsRoundTripThroughS3a() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir, "models")) {
      Configuration conf = new Configuration();
      s3.hadoopConf().forEach(conf::set);
      CheckpointStore store = new CheckpointStore(conf);
      URI run = URI.create("s3a://models/runs/sft-1");
      Map<String, INDArray> w = new LinkedHashMap<>();
      w.put("tok_emb", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 3));
      Map<String, INDArray> opt = new LinkedHashMap<>();
      opt.put("step", Nd4j.scalar(4L));
      for (int step : new int[] {2, 4}) {
        store.save(run, new Checkpoint(step, Instant.now(), new DataDescription("bundled", "train", 33),
            Map.of("loss", 1.5), JsonNodeFactory.instance.objectNode().put("width", 3),
            "{\"t\":1}".getBytes(StandardCharsets.UTF_8), w, opt, JsonNodeFactory.instance.objectNode().put("step", step)));
      }
      // The objects really are in the server's store.
      assertThat(Files.exists(s3.bucketDir("models").resolve("runs/sft-1/step-000004/manifest.json"))).isTrue();
      URI latest = store.latest(run).orElseThrow();
      assertThat(latest.toString()).endsWith("step-000004");
      Checkpoint back = store.load(latest);
      assertThat(back.step()).isEqualTo(4);
      assertThat(back.weights().get("tok_emb")).isEqualTo(w.get("tok_emb"));
      assertThat(back.optimizerState().get("step").getLong(0)).isEqualTo(4L);
      assertThat(back.metrics()).containsEntry("loss", 1.5);
    }
  }
}
