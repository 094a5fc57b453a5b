package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.policy.model.NativeThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The model on random weights: shapes, masking, caching, GQA and loading, without the oracle. */
class HfCausalLmTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void oneOpThread() {
    NativeThreads.limitOpThreads(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void logitsHaveOneRowPerPositionAndDoNotSeeLaterTokens(String arch) {
    HfCausalLm lm = RandomHfModels.model(RandomHfModels.config(arch), 1);
    int[][] a = {{5, 9, 17, 200, 3, 3}};
    int[][] b = {{5, 9, 17, 1, 300, 42}};
    INDArray la = lm.logits(a, null);
    INDArray lb = lm.logits(b, null);
    assertThat(la.shape()).containsExactly(1, 6, 384);
    assertThat(maxDiff(la, lb, 0, 3)).isLessThan(1e-6);
    assertThat(maxDiff(la, lb, 3, 4)).isGreaterThan(1e-3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void aRightPaddedRowHasTheLogitsItHasAlone(String arch) {
    HfCausalLm lm = RandomHfModels.model(RandomHfModels.config(arch), 2);
    Random r = new Random(3);
    int[] lengths = {9, 4, 1};
    int[][] tokens = new int[3][9];
    int[][] mask = new int[3][9];
    for (int b = 0; b < 3; b++) {
      Arrays.fill(tokens[b], 2);
      System.arraycopy(RandomHfModels.randomTokens(r, lengths[b], 384), 0, tokens[b], 0, lengths[b]);
      Arrays.fill(mask[b], 0, lengths[b], 1);
    }
    INDArray batch = lm.logits(tokens, mask);
    assertThat(batch.shape()).containsExactly(3, 9, 384);
    for (int b = 0; b < 3; b++) {
      INDArray alone = lm.logits(new int[][] {Arrays.copyOf(tokens[b], lengths[b])}, null);
      INDArray row = batch.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, lengths[b]),
          NDArrayIndex.all());
      assertThat(maxAbs(row.sub(alone.get(NDArrayIndex.point(0), NDArrayIndex.all(),
          NDArrayIndex.all())))).as("row " + b).isLessThan(1e-5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void greedyGivesTheSameTokensWithAndWithoutTheKvCache(String arch) {
    HfCausalLm lm = RandomHfModels.model(RandomHfModels.config(arch), 4);
    int[] prompt = RandomHfModels.randomTokens(new Random(5), 7, 384);
    int[] cached = lm.greedy(prompt, 12, true);
    int[] uncached = lm.greedy(prompt, 12, false);
    assertThat(cached).hasSize(12).containsExactly(uncached);
    INDArray last = lm.logits(new int[][] {prompt}, null)
        .get(NDArrayIndex.point(0), NDArrayIndex.point(6), NDArrayIndex.all());
    assertThat(cached[0]).isEqualTo(HfCausalLm.argmax(last.reshape(1, 384)));
    assertThat(new java.util.HashSet<>(Arrays.asList(Arrays.stream(cached).boxed()
        .toArray(Integer[]::new)))).as("a random model should not just repeat one token")
        .hasSizeGreaterThan(1);
  }

  @Test
  void argmaxTakesTheFirstOfEqualMaxima() {
    assertThat(HfCausalLm.argmax(Nd4j.createFromArray(new float[][] {{1, 3, 2, 3}}))).isEqualTo(1);
  }

  /**
   * Grouped-query attention: kv head j serves query heads j*groups .. j*groups+groups-1
   * (transformers' repeat_kv). A model with 2 kv heads must equal the model with 4 whose k/v
   * projections repeat each of the 2 heads twice in that order.
   */
  @Test
  void groupedQueryAttentionEqualsRepeatingEachKvHeadForItsGroup() {
    HfModelConfig gqa = RandomHfModels.llama();
    HfModelConfig mha = HfModelConfig.parse(HfModelConfigTest.LLAMA
        .replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 4"), "mha");
    Map<String, INDArray> w = RandomHfModels.tensors(gqa, 6);
    Map<String, INDArray> expanded = new LinkedHashMap<>(w);
    int hd = gqa.headDim();
    for (int l = 0; l < gqa.numHiddenLayers(); l++) {
      for (String p : new String[] {"k_proj", "v_proj"}) {
        String name = HfWeights.layer(l, "self_attn." + p + ".weight");
        INDArray k = w.get(name);
        expanded.put(name, Nd4j.concat(0, head(k, 0, hd), head(k, 0, hd), head(k, 1, hd),
            head(k, 1, hd)));
      }
    }
    int[][] tokens = {RandomHfModels.randomTokens(new Random(7), 8, 384)};
    INDArray a = HfCausalLm.of(HfWeights.of(gqa, w)).logits(tokens, null);
    INDArray b = HfCausalLm.of(HfWeights.of(mha, expanded)).logits(tokens, null);
    assertThat(maxAbs(a.sub(b))).isLessThan(1e-5);
  }

  @Test
  void aTiedModelUsesTheEmbeddingAsItsHead() {
    HfModelConfig tied = RandomHfModels.qwen2();
    HfModelConfig untied = HfModelConfig.parse(HfModelConfigTest.QWEN2
        .replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false"), "untied");
    Map<String, INDArray> w = RandomHfModels.tensors(tied, 8);
    Map<String, INDArray> withHead = new LinkedHashMap<>(w);
    withHead.put(HfWeights.LM_HEAD, w.get(HfWeights.EMBED).dup());
    int[][] tokens = {{1, 2, 3, 4}};
    INDArray a = HfCausalLm.of(HfWeights.of(tied, w)).logits(tokens, null);
    INDArray b = HfCausalLm.of(HfWeights.of(untied, withHead)).logits(tokens, null);
    assertThat(maxAbs(a.sub(b))).isZero();
  }

  @Test
  void loadsAFolderToTheSameModelAndAcceptsWhatTransformersIgnores() throws IOException {
    HfModelConfig c = RandomHfModels.qwen2();
    Map<String, INDArray> w = RandomHfModels.tensors(c, 9);
    Map<String, INDArray> saved = new LinkedHashMap<>(w);
    saved.put("model.layers.0.self_attn.rotary_emb.inv_freq", Nd4j.ones(8));
    saved.put(HfWeights.LM_HEAD, w.get(HfWeights.EMBED));
    Path folder = RandomHfModels.save(dir.resolve("qwen2"), HfModelConfigTest.QWEN2, saved);
    int[][] tokens = {{10, 20, 30}, {40, 50, 60}};
    INDArray loaded = HfCausalLm.load(folder).logits(tokens, null);
    INDArray direct = HfCausalLm.of(HfWeights.of(c, w)).logits(tokens, null);
    assertThat(loaded).isEqualTo(direct);
  }

  @Test
  void missingUnexpectedAndMisshapenTensorsFailNamingThem() throws IOException {
    HfModelConfig c = RandomHfModels.qwen3();
    Map<String, INDArray> w = RandomHfModels.tensors(c, 10);
    w.remove("model.layers.1.self_attn.k_norm.weight");
    w.put("model.layers.0.self_attn.o_proj.bias", Nd4j.zeros(64));
    Path folder = RandomHfModels.save(dir.resolve("bad"), HfModelConfigTest.QWEN3, w);
    assertThatThrownBy(() -> HfCausalLm.load(folder))
        .hasMessageContaining(folder.toString())
        .hasMessageContaining("missing [model.layers.1.self_attn.k_norm.weight]")
        .hasMessageContaining("unexpected [model.layers.0.self_attn.o_proj.bias]");

    Map<String, INDArray> shapes = RandomHfModels.tensors(c, 10);
    shapes.put("model.layers.0.self_attn.q_proj.weight", Nd4j.zeros(64, 64));
    Path misshapen = RandomHfModels.save(dir.resolve("shape"), HfModelConfigTest.QWEN3, shapes);
    assertThatThrownBy(() -> HfCausalLm.load(misshapen))
        .hasMessageContaining("model.layers.0.self_attn.q_proj.weight has shape [64, 64], the "
            + "config implies [128, 64]");
  }

  @Test
  void refusesBadInputsSayingWhatIsWrong() {
    HfCausalLm lm = RandomHfModels.model(RandomHfModels.llama(), 11);
    assertThatThrownBy(() -> lm.logits(new int[][] {{1, 384}}, null))
        .hasMessageContaining("token 384 at [0][1] is outside the vocabulary [0, 384)");
    assertThatThrownBy(() -> lm.logits(new int[][] {{1, 2}, {3}}, null))
        .hasMessageContaining("equal lengths");
    assertThatThrownBy(() -> lm.logits(new int[][] {{1, 2}}, new int[][] {{1, 2}}))
        .hasMessageContaining("holds 2");
    Supplier<int[]> empty = () -> lm.greedy(new int[0], 3, true);
    assertThatThrownBy(empty::get).hasMessageContaining("non-empty prompt");
  }

  private static INDArray head(INDArray w, int head, int hd) {
    return w.get(NDArrayIndex.interval((long) head * hd, (long) (head + 1) * hd), NDArrayIndex.all());
  }

  private static double maxDiff(INDArray a, INDArray b, int from, int to) {
    INDArray x = a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    INDArray y = b.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    return maxAbs(x.sub(y));
  }

  private static double maxAbs(INDArray a) {
    return a.dup().amaxNumber().doubleValue();
  }
}
