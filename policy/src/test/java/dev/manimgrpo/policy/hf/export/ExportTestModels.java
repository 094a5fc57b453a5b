package dev.manimgrpo.policy.hf.export;

import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A tiny random Llama source folder and random LoRA adapters for the export tests. */
final class ExportTestModels {

  /** transformers 4's config.json layout, tied embeddings off, bfloat16 as published models say. */
  static final String LLAMA = """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "attention_bias": false,
       "hidden_act": "silu", "hidden_size": 32, "intermediate_size": 48,
       "max_position_embeddings": 64, "mlp_bias": false, "num_attention_heads": 4,
       "num_hidden_layers": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-05,
       "rope_scaling": null, "rope_theta": 10000.0, "tie_word_embeddings": false,
       "torch_dtype": "bfloat16", "vocab_size": 40, "bos_token_id": 1, "eos_token_id": 2}
      """;

  private ExportTestModels() {}

  static HfModelConfig llama() {
    return HfModelConfig.parse(LLAMA, "llama");
  }

  static Map<String, INDArray> tensors(HfModelConfig c, long seed) {
    Random r = new Random(seed);
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : HfWeights.layout(c).entrySet()) {
      boolean norm = e.getKey().contains("norm");
      m.put(e.getKey(), gaussian(r, e.getValue(), norm ? 1 : 0, 0.2));
    }
    return m;
  }

  static INDArray gaussian(Random r, long[] shape, double mean, double sd) {
    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (mean + sd * r.nextGaussian());
    }
    return Nd4j.create(v, shape, 'c');
  }

  /** config.json, model.safetensors (F32), a tokenizer.json stand-in and generation_config.json. */
  static Path sourceFolder(Path folder, Map<String, INDArray> tensors) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("config.json"), LLAMA);
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    tensors.forEach(w::f32);
    w.write(folder.resolve("model.safetensors"));
    Files.writeString(folder.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"stand-in\": true}\n");
    Files.writeString(folder.resolve("generation_config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": 2}\n");
    return folder;
  }

  /** A random adapter of every layer's q, v, and down projections, B non-zero so merging matters. */
  static LoraAdapter adapter(HfModelConfig c, int rank, double alpha, long seed) {
    Random r = new Random(seed);
    Map<String, long[]> layout = HfWeights.layout(c);
    List<LoraAdapter.Target> targets = List.of(LoraAdapter.Target.Q_PROJ, LoraAdapter.Target.V_PROJ,
        LoraAdapter.Target.DOWN_PROJ);
    List<LoraAdapter.Module> modules = new java.util.ArrayList<>();
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      for (LoraAdapter.Target t : targets) {
        long[] w = layout.get(t.weightName(l));
        modules.add(new LoraAdapter.Module(l, t, gaussian(r, new long[] {rank, w[1]}, 0, 0.2),
            gaussian(r, new long[] {w[0], rank}, 0, 0.2)));
      }
    }
    return new LoraAdapter(rank, alpha, 0.05, "tiny/llama", modules);
  }
}
