package dev.manimgrpo.policy.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tiny random Llama / Qwen2 / Qwen3 models for tests that need no oracle: weights N(0, 0.2) as in
 * the oracle's models, biases N(0, 0.2) and norm weights 1 + 0.2 N(0, 1) so that none of them is
 * a no-op.
 */
public final class RandomHfModels {

  private RandomHfModels() {}

  public static HfModelConfig llama() {
    return HfModelConfig.parse(HfModelConfigTest.LLAMA, "llama");
  }

  public static HfModelConfig qwen2() {
    return HfModelConfig.parse(HfModelConfigTest.QWEN2, "qwen2");
  }

  public static HfModelConfig qwen3() {
    return HfModelConfig.parse(HfModelConfigTest.QWEN3, "qwen3");
  }

  /** The config of an architecture by its short name: llama, qwen2 or qwen3. */
  public static HfModelConfig config(String arch) {
    return switch (arch) {
      case "llama" -> llama();
      case "qwen2" -> qwen2();
      case "qwen3" -> qwen3();
      default -> throw new IllegalArgumentException(arch);
    };
  }

  /** Random tensors under the config's names, in layout order. */
  public static Map<String, INDArray> tensors(HfModelConfig c, long seed) {
    Random r = new Random(seed);
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : HfWeights.layout(c).entrySet()) {
      long[] shape = e.getValue();
      int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      float[] v = new float[n];
      boolean norm = e.getKey().contains("norm");
      for (int i = 0; i < n; i++) {
        v[i] = (float) ((norm ? 1 : 0) + 0.2 * r.nextGaussian());
      }
      m.put(e.getKey(), Nd4j.create(v, shape, 'c'));
    }
    return m;
  }

  public static HfCausalLm model(HfModelConfig c, long seed) {
    return HfCausalLm.of(HfWeights.of(c, tensors(c, seed)));
  }

  /** Writes config.json and model.safetensors (F32) to a folder. */
  public static Path save(Path folder, String configJson, Map<String, INDArray> tensors)
      throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(HfModelConfig.FILE), configJson);
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    tensors.forEach(w::f32);
    w.write(folder.resolve(SafetensorsCheckpoint.SINGLE_FILE));
    return folder;
  }

  public static int[] randomTokens(Random r, int n, int vocab) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }
}
