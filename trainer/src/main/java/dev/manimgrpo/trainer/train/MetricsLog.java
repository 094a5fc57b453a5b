package dev.manimgrpo.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Training metrics, one JSON object per step, in {@code <run>/metrics.jsonl} (JSON lines: Spark
 * reads it with {@code spark.read.json}, pandas with {@code read_json(lines=True)}).
 *
 * <p>The file is rewritten whole when the trainer flushes (at every checkpoint and at the end),
 * because object stores such as s3a cannot append. On resume, lines of steps after the checkpoint
 * are dropped: those steps are done again, and a step is never reported twice.
 */
public final class MetricsLog {

  public static final String FILE = "metrics.jsonl";
  /** The curves of a run, an SVG a browser shows. */
  public static final String PLOT = "metrics.svg";
  /** Metrics plotted, when a run has them. */
  static final List<String> PLOTTED = List.of("loss", "mean_reward", "kl", "clip_fraction", "learning_rate", "tokens_per_s");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Configuration hadoop;
  private final URI runDir;
  private final List<ObjectNode> rows = new ArrayList<>();

  public MetricsLog(Configuration hadoop, URI runDir) {
    this.hadoop = hadoop;
    this.runDir = runDir;
  }

  /** Reads the run's earlier metrics up to and including {@code lastStep}. */
  public void resume(int lastStep) throws IOException {
    rows.clear();
    Path p = path();
    FileSystem fs = p.getFileSystem(hadoop);
    if (!fs.exists(p)) {
      return;
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (n instanceof ObjectNode o && o.path("step").asInt(Integer.MAX_VALUE) <= lastStep) {
          rows.add(o);
        }
      }
    }
  }

  /** Adds one step's metrics (keys in the order given). */
  public ObjectNode record(int step, Map<String, ?> values) {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", step);
    values.forEach((k, v) -> o.set(k, JSON.valueToTree(v)));
    rows.add(o);
    return o;
  }

  public List<ObjectNode> rows() {
    return List.copyOf(rows);
  }

  /** Writes the whole file, and the curves as {@value #PLOT} beside it. */
  public void flush() throws IOException {
    Path p = path();
    FileSystem fs = p.getFileSystem(hadoop);
    fs.mkdirs(p.getParent());
    try (OutputStream out = fs.create(p, true)) {
      for (ObjectNode o : rows) {
        out.write(JSON.writeValueAsBytes(o));
        out.write('\n');
      }
    }
    try (OutputStream out = fs.create(new Path(p.getParent(), PLOT), true)) {
      out.write(MetricsPlot.svg(runDir.toString(), rows, PLOTTED).getBytes(StandardCharsets.UTF_8));
    }
  }

  public URI uri() {
    return path().toUri();
  }

  private Path path() {
    return new Path(new Path(runDir), FILE);
  }
}
