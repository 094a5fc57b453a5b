package dev.manimgrpo.policy.hf.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfOracle;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.SafetensorsCheckpoint;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.SafetensorsFile;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.export.ExportFolder;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.PeftAdapterWriter;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java training steps against PyTorch's autograd and {@code torch.optim.AdamW} on the oracle's
 * tiny Llama (untied head, Llama 3 RoPE), Qwen2 (q/k/v biases, tied) and Qwen3 (q/k norms, head_dim
 * 32): LoRA on every linear layer, and full training, for the same right-padded batch and loss
 * ({@code scripts/hf-oracle/train_step.py}, one run for all cases). Compared: the first step's
 * per-token log-probabilities, loss and every gradient of what trains, and the values after three
 * AdamW steps.
 */
@Tag("hf")
class HfTrainingOracleTest {

  /** float32 in another order than torch's: log-probs of order 1 to 10. */
  private static final double LOGP_TOLERANCE = 1e-4;
  /** Each gradient tensor against its own largest entry. */
  private static final double GRAD_RELATIVE_TOLERANCE = 1e-4;
  /** Values after the AdamW steps, which move each entry by up to about lr per step. */
  private static final double AFTER_TOLERANCE = 1e-4;
  private static final int STEPS = 3;
  private static final double LR = 1e-3;
  private static final double WEIGHT_DECAY = 0.01;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CASES = List.of("lora-llama", "lora-qwen2", "lora-qwen3", "full-llama",
      "full-qwen3");

  private static final int[][] TOKENS = new int[3][10];
  private static final int[][] TARGETS = new int[3][10];
  private static final float[][] WEIGHTS = new float[3][10];
  private static Path models;
  private static Path out;
  private static JsonNode results;
  private static final Map<String, Java> java = new LinkedHashMap<>();

  /** What the Java trainer computed for a case. */
  private record Java(INDArray logProbs, double loss, Map<String, INDArray> grads, Map<String, INDArray> after) {}

  @BeforeAll
  static void trainBothWays(@TempDir Path dir) throws IOException, InterruptedException {
    NativeThreads.limitOpThreads(1);
    models = HfOracle.tinyModels();
    Random r = new Random(23);
    int[] lengths = {10, 6, 3};
    for (int b = 0; b < 3; b++) {
      for (int t = 0; t < 10; t++) {
        boolean real = t < lengths[b];
        TOKENS[b][t] = real ? 3 + r.nextInt(381) : 2;
        TARGETS[b][t] = real ? 3 + r.nextInt(381) : -1;
        WEIGHTS[b][t] = real ? (float) (2 * r.nextDouble() - 1) : 0f;
      }
    }
    Path in = Files.createDirectories(dir.resolve("in"));
    out = Files.createDirectories(dir.resolve("out"));
    ObjectNode request = JSON.createObjectNode();
    ArrayNode cases = request.putArray("cases");
    for (String name : CASES) {
      String arch = name.substring(name.indexOf('-') + 1);
      if (!Files.isDirectory(in.resolve(arch))) {
        copy(models.resolve(arch), in.resolve(arch));
      }
      HfWeights base = HfWeights.load(HfModelConfig.read(ModelFolder.local(in.resolve(arch))),
          SafetensorsCheckpoint.open(ModelFolder.local(in.resolve(arch))));
      ObjectNode c = cases.addObject().put("name", name).put("model", arch).put("steps", STEPS).put("lr", LR)
          .put("eps", 1e-8).put("weight_decay", WEIGHT_DECAY);
      c.putArray("betas").add(0.9).add(0.999);
      c.set("input_ids", JSON.valueToTree(TOKENS));
      c.set("targets", JSON.valueToTree(TARGETS));
      c.set("loss_weights", JSON.valueToTree(WEIGHTS));
      HfTrainingModel model;
      if (name.startsWith("lora")) {
        LoraAdapter adapter = new LoraSpec(4, 8, 0, LoraSpec.ALL_LINEAR).initialise(base.config(), arch, 3);
        Random rb = new Random(29);
        for (LoraAdapter.Module m : adapter.modules()) {
          float[] v = new float[(int) m.b().length()];
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.1 * rb.nextGaussian());
          }
          m.b().assign(Nd4j.create(v, m.b().shape(), 'c'));
        }
        PeftAdapterWriter.write(ExportFolder.local(in.resolve(name)), adapter, SafetensorsDtype.F32,
            base.config().numHiddenLayers());
        c.put("adapter", name + "/" + PeftAdapterWriter.WEIGHTS).put("rank", 4).put("alpha", 8.0);
        model = HfTrainingModel.lora(base, adapter, false);
      } else {
        c.putNull("adapter");
        model = HfTrainingModel.full(base, true);
      }
      java.put(name, train(model));
    }
    Files.writeString(in.resolve("request.json"), JSON.writeValueAsString(request));
    HfOracle.run("train_step.py", in, out);
    results = JSON.readTree(out.resolve("result.json").toFile());
  }

  private static Java train(HfTrainingModel model) {
    HfAdamW adam = new HfAdamW(model.parameters(), 0.9, 0.999, 1e-8, WEIGHT_DECAY);
    INDArray dLogProb = Nd4j.create(WEIGHTS);
    INDArray logProbs = null;
    double loss = 0;
    Map<String, INDArray> first = null;
    for (int s = 0; s < STEPS; s++) {
      HfTrainingModel.Pass pass = model.forward(TOKENS, TARGETS, true, s);
      Map<String, INDArray> grads = model.backward(pass, dLogProb);
      if (s == 0) {
        logProbs = pass.logProbs().dup();
        loss = pass.logProbs().mul(dLogProb).sumNumber().doubleValue();
        first = grads;
      }
      adam.update(grads, LR);
    }
    Map<String, INDArray> after = new LinkedHashMap<>();
    model.parameters().forEach((k, v) -> after.put(k, v.dup()));
    return new Java(logProbs, loss, first, after);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  private static double maxAbs(INDArray a) {
    return a.amaxNumber().doubleValue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"lora-llama", "lora-qwen2", "lora-qwen3", "full-llama", "full-qwen3"})
  void logProbsLossGradientsAndAdamWStepsEqualPyTorchs(String name) throws IOException {
    Java j = java.get(name);
    JsonNode result = results.path(name);
    assertThat(JSON.convertValue(result.path("trained"), List.class)).as("what trains")
        .containsExactlyInAnyOrderElementsOf(j.grads().keySet());
    try (SafetensorsFile torch = SafetensorsFile.open(out.resolve(name + ".safetensors"))) {
      double logp = maxAbs(j.logProbs().sub(torch.readFloat32("logp")));
      assertThat(logp).as("log-probs").isLessThanOrEqualTo(LOGP_TOLERANCE);
      assertThat(j.loss()).as("loss").isCloseTo(result.path("loss").asDouble(),
          org.assertj.core.data.Offset.offset(1e-3));
      double worstGrad = 0;
      double worstAfter = 0;
      for (String key : j.grads().keySet()) {
        INDArray g = torch.readFloat32("grad." + key);
        double scale = Math.max(maxAbs(g), 1e-6);
        double rel = maxAbs(j.grads().get(key).sub(g)) / scale;
        assertThat(rel).as("gradient of " + key + " (largest entry " + scale + ")")
            .isLessThanOrEqualTo(GRAD_RELATIVE_TOLERANCE);
        worstGrad = Math.max(worstGrad, rel);
        double after = maxAbs(j.after().get(key).sub(torch.readFloat32("after." + key)));
        assertThat(after).as("value of " + key + " after " + STEPS + " AdamW steps").isLessThanOrEqualTo(AFTER_TOLERANCE);
        worstAfter = Math.max(worstAfter, after);
      }
      System.out.printf("%s: %d tensors; max |logp diff| %.3g, worst relative gradient diff %.3g, worst value diff"
          + " after %d steps %.3g%n", name, j.grads().size(), logp, worstGrad, STEPS, worstAfter);
    }
  }
}
