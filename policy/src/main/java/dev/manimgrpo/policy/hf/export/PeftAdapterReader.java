package dev.manimgrpo.policy.hf.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.SafetensorsFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads a LoRA adapter in PEFT's layout ({@code adapter_config.json}, {@code
 * adapter_model.safetensors}), as {@link PeftAdapterWriter} and PEFT's {@code save_pretrained}
 * write it: the keys {@code base_model.model.model.layers.N.<module>.lora_A.weight} / {@code
 * lora_B.weight}. What this project cannot apply (another PEFT type, DoRA, rsLoRA, per-module
 * ranks, trained biases or extra modules) is refused by name.
 */
public final class PeftAdapterReader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern KEY = Pattern.compile(
      "base_model\\.model\\.model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)\\.lora_([AB])(?:\\.default)?\\.weight");

  private PeftAdapterReader() {}

  /** Whether a folder holds a PEFT adapter. */
  public static boolean isAdapter(ModelFolder folder) throws IOException {
    return folder.exists(PeftAdapterWriter.CONFIG) && folder.exists(PeftAdapterWriter.WEIGHTS);
  }

  public static LoraAdapter read(ModelFolder folder) throws IOException {
    String where = folder.location();
    JsonNode c = JSON.readTree(folder.readString(PeftAdapterWriter.CONFIG));
    String type = c.path("peft_type").asText("");
    if (!type.equals("LORA")) {
      throw new IllegalArgumentException(where + ": peft_type is '" + type + "'; only LORA adapters are supported");
    }
    for (String flag : new String[] {"use_dora", "use_rslora"}) {
      if (c.path(flag).asBoolean(false)) {
        throw new IllegalArgumentException(where + ": " + flag + " is true; only plain LoRA (scale alpha / r) is supported");
      }
    }
    if (!c.path("bias").asText("none").equals("none") || (c.hasNonNull("modules_to_save")
        && !c.path("modules_to_save").isEmpty())) {
      throw new IllegalArgumentException(where + ": the adapter trains biases or whole modules (bias, modules_to_save);"
          + " only LoRA matrices are supported");
    }
    for (String pattern : new String[] {"rank_pattern", "alpha_pattern"}) {
      if (c.path(pattern).size() > 0) {
        throw new IllegalArgumentException(where + ": " + pattern + " gives some modules their own rank or alpha;"
            + " one rank and alpha for every module is supported");
      }
    }
    int rank = c.path("r").asInt(0);
    double alpha = c.path("lora_alpha").asDouble(0);
    double dropout = c.path("lora_dropout").asDouble(0);
    List<LoraAdapter.Module> modules = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(folder.open(PeftAdapterWriter.WEIGHTS))) {
      for (String key : f.names()) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
          throw new IllegalArgumentException(where + ": adapter tensor '" + key + "' is not a LoRA A or B matrix of a"
              + " decoder layer's linear module");
        }
        if (!m.group(4).equals("A")) {
          continue;
        }
        LoraAdapter.Target target = target(m.group(2) + "." + m.group(3), key, where);
        String bKey = key.substring(0, m.start(4)) + "B" + key.substring(m.end(4));
        if (!f.names().contains(bKey)) {
          throw new IllegalArgumentException(where + ": " + key + " has no " + bKey);
        }
        INDArray a = f.readFloat32(key);
        INDArray b = f.readFloat32(bKey);
        modules.add(new LoraAdapter.Module(Integer.parseInt(m.group(1)), target, a, b));
      }
    }
    return new LoraAdapter(rank, alpha, dropout, c.path("base_model_name_or_path").asText(""), modules);
  }

  private static LoraAdapter.Target target(String path, String key, String where) {
    for (LoraAdapter.Target t : LoraAdapter.Target.values()) {
      if (t.path().equals(path)) {
        return t;
      }
    }
    throw new IllegalArgumentException(where + ": adapter tensor '" + key + "' adapts " + path + "; supported: "
        + java.util.Arrays.stream(LoraAdapter.Target.values()).map(LoraAdapter.Target::moduleName).toList());
  }
}
