package dev.manimgrpo.policy.hf.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.SafetensorsWriter;
import java.io.IOException;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a {@link LoraAdapter} as PEFT saves one ({@code save_pretrained} of a {@code PeftModel}):
 * {@value #WEIGHTS} with keys {@code base_model.model.model.layers.N.<module>.lora_A.weight}
 * ({@code [r, in]}) and {@code ...lora_B.weight} ({@code [out, r]}), and {@value #CONFIG} (written
 * last) with {@code peft_type LORA}, {@code task_type CAUSAL_LM}, {@code bias none}.
 */
public final class PeftAdapterWriter {

  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private PeftAdapterWriter() {}

  public static void write(ExportFolder out, LoraAdapter adapter, SafetensorsDtype dtype,
      int modelLayers) throws IOException {
    TreeMap<String, INDArray> tensors = new TreeMap<>();
    for (LoraAdapter.Module m : adapter.modules()) {
      tensors.put(LoraAdapter.peftKey(m, true), m.a());
      tensors.put(LoraAdapter.peftKey(m, false), m.b());
    }
    SafetensorsWriter w = new SafetensorsWriter()
        .metadata(SafetensorsWriter.FORMAT_KEY, SafetensorsWriter.FORMAT_PT);
    tensors.forEach((n, a) -> w.tensor(n, dtype, a));
    out.write(WEIGHTS, w::writeTo);
    out.writeString(CONFIG, configJson(adapter, modelLayers));
  }

  /** adapter_config.json: LoraConfig's fields as PEFT writes them, keys sorted. */
  static String configJson(LoraAdapter adapter, int modelLayers) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.putObject("alpha_pattern");
    c.putNull("auto_mapping");
    c.put("base_model_name_or_path", adapter.baseModel());
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    c.putNull("layers_pattern");
    if (adapter.layers().size() == modelLayers) {
      c.putNull("layers_to_transform");
    } else {
      ArrayNode layers = c.putArray("layers_to_transform");
      adapter.layers().forEach(layers::add);
    }
    if (adapter.alpha() == Math.rint(adapter.alpha())) {
      c.put("lora_alpha", (long) adapter.alpha());
    } else {
      c.put("lora_alpha", adapter.alpha());
    }
    c.put("lora_dropout", adapter.dropout());
    c.putNull("modules_to_save");
    c.put("peft_type", "LORA");
    c.put("r", adapter.rank());
    c.putObject("rank_pattern");
    c.putNull("revision");
    ArrayNode targets = c.putArray("target_modules");
    adapter.targetModules().forEach(targets::add);
    c.put("task_type", "CAUSAL_LM");
    c.put("use_dora", false);
    c.put("use_rslora", false);
    return JSON.writeValueAsString(c) + "\n";
  }
}
