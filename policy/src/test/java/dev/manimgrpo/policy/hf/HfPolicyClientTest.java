package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.ChatPrompt;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.HfPolicyClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Hugging Face checkpoint as the rollout job's in-process policy: a tiny random Qwen2 with a tiny
 * byte-level tokenizer, written to a folder and loaded as the job loads it. The KV-cached group
 * sampling is held to the model's own greedy decoding and to a no-cache forward pass.
 */
class HfPolicyClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TASK = "Draw a blue circle, then turn it into a red square.";

  @TempDir
  Path dir;

  private Path model(String configJson, boolean chatTemplate) throws IOException {
    HfModelConfig c = HfModelConfig.parse(configJson, "test");
    Path folder = RandomHfModels.save(dir.resolve(chatTemplate ? "chat" : "base"), configJson,
        RandomHfModels.tensors(c, 7));
    Files.writeString(folder.resolve(HfTokenizer.FILE), HfTokenizerTest.tokenizerJson(true).toString());
    ObjectNode config = JSON.createObjectNode().put("bos_token", "<|bos|>").put("eos_token", "<|eos|>");
    if (chatTemplate) {
      config.put("chat_template", HfChatTemplate.Layout.CHATML.jinja());
    }
    Files.writeString(folder.resolve(HfTokenizer.CONFIG_FILE), config.toString());
    return folder;
  }

  private static SamplingConfig sampling(int group, double temperature, int maxTokens) {
    return new SamplingConfig(group, temperature, 1.0, 0.0, maxTokens, 1234L);
  }

  @Test
  void greedyGroupsAreTheModelsOwnGreedyDecoding() throws IOException {
    HfPolicyClient client = HfPolicyClient.load(ModelFolder.local(model(HfModelConfigTest.QWEN2, false)));
    assertThat(HfPolicyClient.isHfModel(ModelFolder.local(dir.resolve("base")))).isTrue();
    assertThat(client.trainerReproducible()).isTrue();
    assertThat(client.policyId()).startsWith("hf:").contains("prompt " + PromptTemplate.VERSION);
    List<Generation> group = client.generate(GroupRequest.wholeGroup("p1", TASK, 0, sampling(3, 0.0, 12)));
    assertThat(group).hasSize(3).allSatisfy(g -> assertThat(g.error()).isNull());
    HfCausalLm lm = HfCausalLm.load(dir.resolve("base"));
    int[] prompt = group.get(0).promptTokenIds();
    // the project's template, with the tokenizer's own bos
    assertThat(prompt[0]).isEqualTo(261);
    int[] tokens = group.get(0).tokenIds();
    assertThat(tokens).isNotEmpty().isEqualTo(lm.greedy(prompt, tokens.length, true));
    for (Generation g : group) {
      assertThat(g.tokenIds()).isEqualTo(tokens);
    }
  }

  @Test
  void sampledCompletionsDependOnTheirSeedAloneAndCarryTheModelsLogProbs() throws IOException {
    HfPolicyClient client = HfPolicyClient.load(ModelFolder.local(model(HfModelConfigTest.QWEN2, false)));
    SamplingConfig s = sampling(4, 1.0, 10);
    GroupRequest whole = GroupRequest.wholeGroup("p1", TASK, 3, s);
    List<Generation> a = client.generate(whole);
    List<Generation> b = client.generate(whole);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      assertThat(a.get(i).tokenIds()).isEqualTo(b.get(i).tokenIds());
      assertThat(a.get(i).seed()).isEqualTo(whole.seed(i));
      texts.add(String.valueOf(java.util.Arrays.toString(a.get(i).tokenIds())));
    }
    assertThat(texts.stream().distinct().count()).as("a random model's samples differ").isGreaterThan(1);
    // Rows leave the batch as they finish; a completion's log-probs are still the model's own:
    // log_softmax of a full forward pass over prompt + completion, without the cache.
    HfCausalLm lm = HfCausalLm.load(dir.resolve("base"));
    for (Generation g : a) {
      int[] prompt = g.promptTokenIds();
      int[] seq = new int[prompt.length + g.tokenIds().length];
      System.arraycopy(prompt, 0, seq, 0, prompt.length);
      System.arraycopy(g.tokenIds(), 0, seq, prompt.length, g.tokenIds().length);
      INDArray logits = lm.logits(new int[][] {seq}, null);
      for (int t = 0; t < g.tokenIds().length; t++) {
        INDArray row = logits.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
            org.nd4j.linalg.indexing.NDArrayIndex.point(prompt.length - 1 + t)).dup();
        INDArray logp = Transforms.log(Transforms.softmax(row.reshape(1, row.length()), true), false);
        assertThat((double) g.logprobs()[t]).isCloseTo(logp.getDouble(0, g.tokenIds()[t]),
            org.assertj.core.data.Offset.offset(1e-3));
      }
    }
  }

  @Test
  void aPromptLongerThanTheContextFailsEveryRowWithWhatToDo() throws IOException {
    HfPolicyClient client = HfPolicyClient.load(ModelFolder.local(model(HfModelConfigTest.LLAMA, false)));
    String longTask = TASK.repeat(10);
    List<Generation> group = client.generate(GroupRequest.wholeGroup("p1", longTask, 0, sampling(2, 1.0, 8)));
    assertThat(group).hasSize(2).allSatisfy(g -> {
      assertThat(g.failed()).isTrue();
      assertThat(g.error()).contains("max_position_embeddings").contains("shorten the prompt");
    });
  }

  @Test
  void anInstructionModelGetsTheChatMessagesInItsOwnTemplate() throws IOException {
    HfPolicyClient client = HfPolicyClient.load(ModelFolder.local(model(HfModelConfigTest.QWEN2, true)));
    assertThat(client.policyId()).contains("chat template chatml");
    HfTokenizer tokenizer = HfTokenizer.load(dir.resolve("chat"));
    List<HfChatTemplate.Message> messages = new ArrayList<>();
    for (ChatPrompt.Message m : ChatPrompt.messages(TASK)) {
      messages.add(new HfChatTemplate.Message(m.role(), m.content()));
    }
    int[] expected = HfChatTemplate.of(HfChatTemplate.Layout.CHATML.jinja(), null).encode(tokenizer, messages, true);
    assertThat(client.promptIds(TASK)).isEqualTo(expected);
    List<Generation> group = client.generate(GroupRequest.wholeGroup("p1", TASK, 0, sampling(2, 1.0, 6)));
    assertThat(group).allSatisfy(g -> assertThat(g.error()).isNull());
    // answers are parsed like any chat model's: the fenced block
    ExtractedCode code = client.extractCode("Here:\n```python\nfrom manim import *\n```\n");
    assertThat(code.code()).contains("from manim import *");
    assertThat(code.method()).isNotEqualTo(ExtractedCode.Method.TEMPLATE);
  }

  @Test
  void aFolderWithoutWeightsIsNotAHuggingFaceCheckpoint() throws IOException {
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("empty").resolve(HfModelConfig.FILE), HfModelConfigTest.QWEN2);
    assertThat(HfPolicyClient.isHfModel(ModelFolder.local(dir.resolve("empty")))).isFalse();
  }
}
