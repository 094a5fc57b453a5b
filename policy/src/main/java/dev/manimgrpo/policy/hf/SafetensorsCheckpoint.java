package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights of a Hugging Face model folder, by tensor name, as transformers' {@code
 * save_pretrained} writes them: either one {@value #SINGLE_FILE}, or shards {@code
 * model-00001-of-00003.safetensors ...} listed by {@value #INDEX_FILE}:
 *
 * <pre>
 * {"metadata": {"total_size": ...}, "weight_map": {"model.norm.weight": "model-00003-of-00003.safetensors", ...}}
 * </pre>
 *
 * <p>Like transformers, a single {@value #SINGLE_FILE} wins over an index. The index must agree
 * with the shards exactly: every mapped tensor is in the shard it names, every tensor of a shard
 * is mapped to it, and shard names are plain file names in the same folder.
 */
public final class SafetensorsCheckpoint implements Closeable {

  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final String location;
  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> byTensor;

  private SafetensorsCheckpoint(String location, List<SafetensorsFile> files,
      Map<String, SafetensorsFile> byTensor) {
    this.location = location;
    this.files = files;
    this.byTensor = byTensor;
  }

  public static SafetensorsCheckpoint open(Path folder) throws IOException {
    return open(ModelFolder.local(folder));
  }

  /** Opens every file of the checkpoint and checks their headers (no tensor data is read). */
  public static SafetensorsCheckpoint open(ModelFolder folder) throws IOException {
    if (folder.exists(SINGLE_FILE)) {
      SafetensorsFile f = SafetensorsFile.open(folder.open(SINGLE_FILE));
      Map<String, SafetensorsFile> byTensor = new TreeMap<>();
      f.names().forEach(n -> byTensor.put(n, f));
      return new SafetensorsCheckpoint(folder.location(), List.of(f), byTensor);
    }
    if (!folder.exists(INDEX_FILE)) {
      String hint = folder.exists("pytorch_model.bin") || folder.exists("pytorch_model.bin.index.json")
          ? " (it has PyTorch .bin weights, which are not read: convert them to safetensors)"
          : "";
      throw new SafetensorsFormatException("no " + SINGLE_FILE + " and no " + INDEX_FILE + " in "
          + folder.location() + hint);
    }
    Map<String, String> weightMap = weightMap(folder);
    List<SafetensorsFile> opened = new ArrayList<>();
    try {
      Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
      for (String shard : new TreeSet<>(weightMap.values())) {
        if (!folder.exists(shard)) {
          throw new SafetensorsFormatException(folder.location() + "/" + INDEX_FILE
              + " maps tensors to " + shard + ", which is not in the folder");
        }
        SafetensorsFile f = SafetensorsFile.open(folder.open(shard));
        opened.add(f);
        shards.put(shard, f);
      }
      Map<String, SafetensorsFile> byTensor = new TreeMap<>();
      for (Map.Entry<String, String> e : weightMap.entrySet()) {
        SafetensorsFile f = shards.get(e.getValue());
        if (!f.contains(e.getKey())) {
          throw new SafetensorsFormatException(folder.location() + "/" + INDEX_FILE + " maps \""
              + e.getKey() + "\" to " + e.getValue() + ", which has no such tensor");
        }
        byTensor.put(e.getKey(), f);
      }
      for (Map.Entry<String, SafetensorsFile> s : shards.entrySet()) {
        for (String name : s.getValue().names()) {
          String mapped = weightMap.get(name);
          if (!s.getKey().equals(mapped)) {
            throw new SafetensorsFormatException(s.getValue().location() + " holds tensor \""
                + name + "\" but " + INDEX_FILE + (mapped == null ? " does not list it"
                : " maps it to " + mapped));
          }
        }
      }
      return new SafetensorsCheckpoint(folder.location(), List.copyOf(opened), byTensor);
    } catch (IOException | RuntimeException e) {
      for (SafetensorsFile f : opened) {
        try {
          f.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static Map<String, String> weightMap(ModelFolder folder) throws IOException {
    String where = folder.location() + "/" + INDEX_FILE;
    JsonNode index;
    try {
      index = JSON.readTree(folder.readString(INDEX_FILE));
    } catch (IOException e) {
      throw new SafetensorsFormatException(where + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode map = index == null ? null : index.get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new SafetensorsFormatException(where + " has no \"weight_map\" object of tensor name "
          + "to file name");
    }
    Map<String, String> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String file = e.getValue().isTextual() ? e.getValue().asText() : null;
      if (file == null || file.isEmpty() || file.contains("/") || file.contains("\\")
          || file.equals(".") || file.equals("..")) {
        throw new SafetensorsFormatException(where + " maps \"" + e.getKey() + "\" to "
            + e.getValue() + "; expected the plain name of a .safetensors file in the folder");
      }
      out.put(e.getKey(), file);
    }
    return out;
  }

  /** The folder's path or URI. */
  public String location() {
    return location;
  }

  /** Every tensor name of the checkpoint, sorted. */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byTensor.keySet()));
  }

  public boolean contains(String name) {
    return byTensor.containsKey(name);
  }

  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  /** The file holding {@code name}. */
  public String fileOf(String name) {
    return file(name).location();
  }

  /** A tensor as float32 (see {@link SafetensorsFile#readFloat32}). */
  public INDArray tensor(String name) throws IOException {
    return file(name).readFloat32(name);
  }

  /** Number of safetensors files (1 unless sharded). */
  public int fileCount() {
    return files.size();
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no tensor \"" + name + "\" in the checkpoint at "
          + location);
    }
    return f;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
