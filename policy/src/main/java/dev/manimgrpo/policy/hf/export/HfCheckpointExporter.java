package dev.manimgrpo.policy.hf.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.RandomAccessInput;
import dev.manimgrpo.policy.hf.SafetensorsCheckpoint;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an HF model (the source folder's config and tokenizer, weights as the Java model holds
 * them) as a folder that transformers' {@code from_pretrained} loads unchanged: the weights under
 * transformers' names as safetensors (sharded above {@link Options#maxShardBytes}), {@code
 * config.json} as loaded with {@code torch_dtype} set to the written dtype, and the tokenizer and
 * generation files copied byte for byte. {@code config.json} is written last: a folder that has one
 * is complete.
 *
 * <p>A {@link LoraAdapter} given to {@link #export} is merged first ({@code W + alpha/r B A}); {@link
 * PeftAdapterWriter} writes it unmerged instead.
 */
public final class HfCheckpointExporter {

  private static final Logger LOG = LoggerFactory.getLogger(HfCheckpointExporter.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** Files copied from the source when present. */
  public static final List<String> COPIED = List.of("tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json", "chat_template.jinja", "generation_config.json");

  /** What to write: the weights' dtype and the largest shard. */
  public record Options(SafetensorsDtype dtype, long maxShardBytes) {
    public Options {
      if (!dtype.readable()) {
        throw new IllegalArgumentException("export dtype must be one of "
            + SafetensorsDtype.readableNames() + ", got " + dtype);
      }
      if (maxShardBytes < 1) {
        throw new IllegalArgumentException("max shard size must be positive");
      }
    }
  }

  /** What was written. */
  public record Result(String location, SafetensorsDtype dtype, List<String> weightFiles,
      List<String> copiedFiles) {}

  private HfCheckpointExporter() {}

  /** torch's name of a dtype, as config.json's {@code torch_dtype} holds it. */
  public static String torchName(SafetensorsDtype d) {
    return switch (d) {
      case F32 -> "float32";
      case BF16 -> "bfloat16";
      case F16 -> "float16";
      default -> throw new IllegalArgumentException("no export as " + d);
    };
  }

  /** The dtype a config.json names ({@code torch_dtype}, or transformers 5's {@code dtype}), if writable. */
  public static Optional<SafetensorsDtype> configDtype(String configJson) throws IOException {
    JsonNode c = JSON.readTree(configJson);
    String name = c.path("torch_dtype").asText(c.path("dtype").asText(""));
    for (SafetensorsDtype d : List.of(SafetensorsDtype.F32, SafetensorsDtype.BF16, SafetensorsDtype.F16)) {
      if (torchName(d).equals(name.toLowerCase(Locale.ROOT).replace("torch.", ""))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /**
   * Exports weights that belong to the source folder's config.
   *
   * @param merge a LoRA adapter folded into the weights first, or empty
   */
  public static Result export(ModelFolder source, HfWeights weights, Optional<LoraAdapter> merge,
      ExportFolder out, Options options) throws IOException {
    String configText = source.readString(HfModelConfig.FILE);
    HfModelConfig parsed = HfModelConfig.parse(configText, source.location() + "/" + HfModelConfig.FILE);
    if (!parsed.equals(weights.config())) {
      throw new IllegalArgumentException("the weights' config " + weights.config()
          + " is not the one of " + source.location() + " (" + parsed + ")");
    }
    HfWeights written = merge.map(a -> a.merge(weights)).orElse(weights);
    // Over an earlier export: no config.json until this one is complete, and no entry point of the
    // other layout (transformers would take a stale model.safetensors over a new index).
    out.deleteIfExists(HfModelConfig.FILE);
    Map<String, List<String>> plan = SafetensorsCheckpointWriter.write(out, HfTensors.of(written),
        options.dtype(), options.maxShardBytes());
    out.deleteIfExists(plan.size() > 1 ? SafetensorsCheckpoint.SINGLE_FILE : SafetensorsCheckpoint.INDEX_FILE);
    List<String> copied = new ArrayList<>();
    for (String name : COPIED) {
      if (source.exists(name)) {
        byte[] bytes = readAll(source, name);
        out.write(name, o -> o.write(bytes));
        copied.add(name);
      }
    }
    out.writeString(HfModelConfig.FILE, withDtype(configText, options.dtype()));
    LOG.info("exported {} ({}, {} weight file(s){}) to {}", source.location(), options.dtype(), plan.size(),
        merge.isPresent() ? ", LoRA merged" : "", out.location());
    return new Result(out.location(), options.dtype(), List.copyOf(plan.keySet()), List.copyOf(copied));
  }

  /** The config as loaded, with {@code torch_dtype} (and transformers 5's {@code dtype}, if there) set. */
  static String withDtype(String configJson, SafetensorsDtype dtype) throws IOException {
    ObjectNode c = (ObjectNode) JSON.readTree(configJson);
    c.put("torch_dtype", torchName(dtype));
    if (c.has("dtype")) {
      c.put("dtype", torchName(dtype));
    }
    return JSON.writeValueAsString(c) + "\n";
  }

  private static byte[] readAll(ModelFolder folder, String name) throws IOException {
    try (RandomAccessInput in = folder.open(name)) {
      long size = in.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException(in.location() + " is too large to copy (" + size + " bytes)");
      }
      byte[] b = new byte[(int) size];
      in.readFully(0, b, 0, b.length);
      return b;
    }
  }
}
