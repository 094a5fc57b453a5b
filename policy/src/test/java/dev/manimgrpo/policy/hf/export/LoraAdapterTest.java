package dev.manimgrpo.policy.hf.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** LoRA merging by hand, the adapter's checks and PEFT's file layout. */
class LoraAdapterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** W + (alpha / r) B A with plain loops, independent of ND4J's mmul. */
  static float[] mergedByHand(INDArray w, INDArray a, INDArray b, double scale) {
    int out = (int) w.size(0);
    int in = (int) w.size(1);
    int r = (int) a.size(0);
    float[] m = w.dup('c').data().asFloat();
    float[] av = a.dup('c').data().asFloat();
    float[] bv = b.dup('c').data().asFloat();
    for (int i = 0; i < out; i++) {
      for (int j = 0; j < in; j++) {
        double s = 0;
        for (int k = 0; k < r; k++) {
          s += (double) bv[i * r + k] * av[k * in + j];
        }
        m[i * in + j] += (float) (scale * s);
      }
    }
    return m;
  }

  @Test
  void mergingAddsScaledBTimesAToTheAdaptedWeightsOnly() {
    HfModelConfig c = ExportTestModels.llama();
    HfWeights base = HfWeights.of(c, ExportTestModels.tensors(c, 1));
    LoraAdapter adapter = ExportTestModels.adapter(c, 4, 8, 2);
    assertThat(adapter.scale()).isEqualTo(2.0);
    LinkedHashMap<String, INDArray> merged = HfTensors.of(adapter.merge(base));
    LinkedHashMap<String, INDArray> original = HfTensors.of(base);
    Set<String> adapted = new TreeSet<>();
    for (LoraAdapter.Module m : adapter.modules()) {
      String name = m.target().weightName(m.layer());
      adapted.add(name);
      float[] want = mergedByHand(original.get(name), m.a(), m.b(), 2.0);
      float[] got = merged.get(name).dup('c').data().asFloat();
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).as(name + "[" + i + "]").isCloseTo(want[i], within(1e-5f));
      }
      assertThat(merged.get(name)).isNotEqualTo(original.get(name));
    }
    assertThat(adapted).hasSize(6);
    original.forEach((name, w) -> {
      if (!adapted.contains(name)) {
        assertThat(merged.get(name)).as(name).isEqualTo(w);
      }
    });
  }

  @Test
  void anAdapterThatDoesNotFitIsRefused() {
    HfModelConfig c = ExportTestModels.llama();
    LoraAdapter ok = ExportTestModels.adapter(c, 2, 4, 3);
    LoraAdapter.Module m = ok.modules().get(0);
    assertThatThrownBy(() -> new LoraAdapter(3, 4, 0, "x", ok.modules())).hasMessageContaining("are not [3, in]");
    assertThatThrownBy(() -> new LoraAdapter(2, 4, 0, "x", List.of(m, m))).hasMessageContaining("given twice");
    assertThatThrownBy(() -> new LoraAdapter(2, 0, 0, "x", ok.modules())).hasMessageContaining("alpha > 0");
    assertThatThrownBy(() -> new LoraAdapter(2, 4, 0, "x", List.of(m, ok.modules().get(4))))
        .hasMessageContaining("same layers");
    LoraAdapter.Module wrongIn = new LoraAdapter.Module(0, LoraAdapter.Target.DOWN_PROJ, m.a(), m.b());
    LoraAdapter misfit = new LoraAdapter(2, 4, 0, "x", List.of(wrongIn));
    assertThatThrownBy(() -> misfit.checkAgainst(c)).hasMessageContaining("do not fit");
    LoraAdapter.Module noLayer = new LoraAdapter.Module(5, m.target(), m.a(), m.b());
    assertThatThrownBy(() -> new LoraAdapter(2, 4, 0, "x", List.of(noLayer)).checkAgainst(c))
        .hasMessageContaining("not a weight of the model");
  }

  @Test
  void thePeftFolderHasPeftsKeysShapesAndConfig() throws IOException {
    HfModelConfig c = ExportTestModels.llama();
    LoraAdapter adapter = ExportTestModels.adapter(c, 4, 16, 4);
    PeftAdapterWriter.write(ExportFolder.local(dir), adapter, SafetensorsDtype.F32, c.numHiddenLayers());

    Map<String, long[]> layout = HfWeights.layout(c);
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(PeftAdapterWriter.WEIGHTS))) {
      assertThat(f.metadata()).containsEntry("format", "pt");
      Set<String> expected = new TreeSet<>();
      for (int l = 0; l < 2; l++) {
        for (String module : List.of("self_attn.q_proj", "self_attn.v_proj", "mlp.down_proj")) {
          String prefix = "base_model.model.model.layers." + l + "." + module;
          long[] w = layout.get("model.layers." + l + "." + module + ".weight");
          expected.add(prefix + ".lora_A.weight");
          expected.add(prefix + ".lora_B.weight");
          assertThat(f.info(prefix + ".lora_A.weight").shape()).containsExactly(4, w[1]);
          assertThat(f.info(prefix + ".lora_B.weight").shape()).containsExactly(w[0], 4);
        }
      }
      assertThat(f.names()).containsExactlyInAnyOrderElementsOf(expected);
      LoraAdapter.Module m = adapter.modules().get(0);
      assertThat(f.readFloat32(LoraAdapter.peftKey(m, true))).isEqualTo(m.a());
      assertThat(f.readFloat32(LoraAdapter.peftKey(m, false))).isEqualTo(m.b());
    }
    JsonNode cfg = JSON.readTree(dir.resolve(PeftAdapterWriter.CONFIG).toFile());
    assertThat(cfg.path("peft_type").asText()).isEqualTo("LORA");
    assertThat(cfg.path("task_type").asText()).isEqualTo("CAUSAL_LM");
    assertThat(cfg.path("bias").asText()).isEqualTo("none");
    assertThat(cfg.path("r").asInt()).isEqualTo(4);
    assertThat(cfg.path("lora_alpha").isIntegralNumber()).isTrue();
    assertThat(cfg.path("lora_alpha").asInt()).isEqualTo(16);
    assertThat(cfg.path("lora_dropout").asDouble()).isEqualTo(0.05);
    assertThat(cfg.path("base_model_name_or_path").asText()).isEqualTo("tiny/llama");
    assertThat(cfg.path("target_modules").toString()).isEqualTo("[\"down_proj\",\"q_proj\",\"v_proj\"]");
    assertThat(cfg.path("layers_to_transform").isNull()).isTrue();
    assertThat(cfg.path("use_rslora").asBoolean()).isFalse();
  }

  @Test
  void anAdapterOfSomeLayersNamesThemForPeft() throws IOException {
    HfModelConfig c = ExportTestModels.llama();
    Random r = new Random(5);
    long[] q = HfWeights.layout(c).get("model.layers.1.self_attn.q_proj.weight");
    LoraAdapter one = new LoraAdapter(2, 3, 0, "tiny/llama", List.of(new LoraAdapter.Module(1,
        LoraAdapter.Target.Q_PROJ, ExportTestModels.gaussian(r, new long[] {2, q[1]}, 0, 1),
        ExportTestModels.gaussian(r, new long[] {q[0], 2}, 0, 1))));
    JsonNode cfg = JSON.readTree(PeftAdapterWriter.configJson(one, c.numHiddenLayers()));
    assertThat(cfg.path("layers_to_transform").toString()).isEqualTo("[1]");
    assertThat(cfg.path("lora_alpha").asInt()).isEqualTo(3);
  }
}
