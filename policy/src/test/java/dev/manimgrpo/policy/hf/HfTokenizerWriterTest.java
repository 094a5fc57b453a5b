package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A learned tokenizer written as tokenizer.json loads as one, round-trips text and merges what repeats. */
class HfTokenizerWriterTest {

  private static final List<String> CORPUS = List.of(
      "from manim import *\n\nclass A(Scene):\n    def construct(self):\n        self.play(Create(Circle()))\n",
      "from manim import *\n\nclass B(Scene):\n    def construct(self):\n        self.play(FadeIn(Square()))\n",
      "from manim import *\n\nclass C(Scene):\n    def construct(self):\n        self.wait(0.5)\n");

  @TempDir Path dir;

  @Test
  void theWrittenTokenizerLoadsRoundTripsAndSpendsFewerIdsThanBytes() throws IOException {
    HfTokenizerWriter w = HfTokenizerWriter.learn(CORPUS, 400);
    w.write(dir, 512);
    HfTokenizer t = HfTokenizer.load(dir);
    String text = CORPUS.get(0) + "  unicode ∑ 🎉\r\n\tend";
    int[] ids = t.encode(text, false);
    assertThat(t.decode(ids, false)).isEqualTo(text);
    assertThat(t.encode(CORPUS.get(1), false).length).isLessThan(CORPUS.get(1).length() / 3);
    assertThat(w.vocabSize()).isGreaterThan(256 + 3).isLessThanOrEqualTo(400);
    // specials come after the learned tokens and are matched as one id
    int eos = w.specialId(HfTokenizerWriter.EOS);
    assertThat(eos).isEqualTo(w.vocabSize() - 2);
    assertThat(t.encode("x" + HfTokenizerWriter.EOS, false)).endsWith(eos);
    assertThatThrownBy(() -> w.specialId("<unk>")).hasMessageContaining("is not one of");
  }

  @Test
  void idsAreContiguousAndEveryMergeSpellsAToken() throws IOException {
    HfTokenizerWriter w = HfTokenizerWriter.learn(CORPUS, 400);
    w.write(dir, 512);
    JsonNode model = new ObjectMapper().readTree(dir.resolve(HfTokenizer.FILE).toFile()).path("model");
    Set<Integer> ids = new HashSet<>();
    model.path("vocab").fields().forEachRemaining(e -> ids.add(e.getValue().asInt()));
    assertThat(ids).hasSize(w.vocabSize() - HfTokenizerWriter.SPECIALS.size());
    assertThat(ids.stream().mapToInt(Integer::intValue).max().getAsInt()).isEqualTo(ids.size() - 1);
    for (JsonNode m : model.path("merges")) {
      String[] parts = m.asText().split(" ");
      assertThat(parts).hasSize(2);
      assertThat(model.path("vocab").has(parts[0] + parts[1])).as(m.asText()).isTrue();
    }
    JsonNode config = new ObjectMapper().readTree(dir.resolve(HfTokenizer.CONFIG_FILE).toFile());
    assertThat(config.path("eos_token").asText()).isEqualTo(HfTokenizerWriter.EOS);
    assertThat(config.path("model_max_length").asInt()).isEqualTo(512);
  }

  @Test
  void itsSplitIsTheOneLlamaCppKnowsAsQwen2() throws IOException {
    HfTokenizerWriter w = HfTokenizerWriter.learn(CORPUS, 300);
    w.write(dir, 128);
    JsonNode tokenizer = new ObjectMapper().readTree(dir.resolve(HfTokenizer.FILE).toFile());
    assertThat(dev.manimgrpo.policy.hf.gguf.GgufVocabulary.of(tokenizer, w.vocabSize(), "test").pre())
        .isEqualTo("qwen2");
  }
}
