package dev.manimgrpo.policy.hf.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.hf.SafetensorsCheckpoint;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.SafetensorsWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes named arrays as a Hugging Face checkpoint's safetensors: one {@value
 * SafetensorsCheckpoint#SINGLE_FILE}, or shards per {@link ShardPlan} and their {@value
 * SafetensorsCheckpoint#INDEX_FILE}, written last. Tensors go in name order, as transformers'
 * writer puts them, each file with the metadata {@code {"format": "pt"}} that transformers checks.
 */
public final class SafetensorsCheckpointWriter {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private SafetensorsCheckpointWriter() {}

  /** Writes the tensors; returns the plan (file name to tensor names) it wrote. */
  public static LinkedHashMap<String, List<String>> write(ExportFolder out,
      Map<String, INDArray> tensors, SafetensorsDtype dtype, long maxShardBytes)
      throws IOException {
    TreeMap<String, INDArray> sorted = new TreeMap<>(tensors);
    Map<String, Long> sizes = new LinkedHashMap<>();
    long width = dtype.bits() / 8;
    sorted.forEach((name, a) -> sizes.put(name, a.length() * width));
    LinkedHashMap<String, List<String>> plan = ShardPlan.plan(sizes, maxShardBytes);
    for (Map.Entry<String, List<String>> shard : plan.entrySet()) {
      SafetensorsWriter w = new SafetensorsWriter()
          .metadata(SafetensorsWriter.FORMAT_KEY, SafetensorsWriter.FORMAT_PT);
      shard.getValue().forEach(n -> w.tensor(n, dtype, sorted.get(n)));
      out.write(shard.getKey(), w::writeTo);
    }
    if (plan.size() > 1) {
      out.writeString(SafetensorsCheckpoint.INDEX_FILE, indexJson(plan, sizes));
    }
    return plan;
  }

  /** {@code {"metadata": {"total_size": N}, "weight_map": {tensor: file}}}, keys sorted, as transformers writes it. */
  static String indexJson(Map<String, List<String>> plan, Map<String, Long> sizes)
      throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", sizes.values().stream().mapToLong(Long::longValue).sum());
    TreeMap<String, String> weightMap = new TreeMap<>();
    plan.forEach((file, names) -> names.forEach(n -> weightMap.put(n, file)));
    ObjectNode wm = index.putObject("weight_map");
    weightMap.forEach(wm::put);
    return JSON.writeValueAsString(index) + "\n";
  }
}
