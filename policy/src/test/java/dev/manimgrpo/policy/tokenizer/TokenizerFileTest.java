package dev.manimgrpo.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerFileTest {

  @TempDir
  Path dir;

  private final BpeTokenizer tok = SampleCorpus.tokenizer(1024);

  @Test
  void saveAndLoadGiveTheSameTokenizer() throws Exception {
    Path file = dir.resolve("sub/tokenizer.json");
    TokenizerFile.save(tok, file);
    BpeTokenizer back = TokenizerFile.load(file);
    assertThat(back.merges()).isEqualTo(tok.merges());
    assertThat(back.specialTokens()).isEqualTo(tok.specialTokens());
    assertThat(back.vocabSize()).isEqualTo(tok.vocabSize());
    assertThat(back.fingerprint()).isEqualTo(tok.fingerprint());
    assertThat(back.eosId()).isEqualTo(tok.eosId());
    for (String text : SampleCorpus.templatedTexts(SampleCorpus.samples())) {
      assertThat(back.encode(text)).isEqualTo(tok.encode(text));
    }
    // Saving again gives the same bytes: the file is a pure function of the tokenizer.
    Path again = dir.resolve("again.json");
    TokenizerFile.save(back, again);
    assertThat(Files.readString(again)).isEqualTo(Files.readString(file));
    assertThat(Files.readString(file)).startsWith("{").contains("\"version\" : 1", "\"format\" : \"manim-grpo/bpe-tokenizer\"");
  }

  @Test
  void truncatedFileIsReportedAsCorrupted() throws Exception {
    Path file = dir.resolve("t.json");
    String json = TokenizerFile.toJson(tok);
    Files.writeString(file, json.substring(0, json.length() / 2));
    assertThatThrownBy(() -> TokenizerFile.load(file))
        .isInstanceOf(TokenizerFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void unknownVersionIsRefusedByName() {
    String json = TokenizerFile.toJson(tok).replace("\"version\" : 1", "\"version\" : 2");
    assertThatThrownBy(() -> TokenizerFile.fromJson(json))
        .isInstanceOf(TokenizerFormatException.class)
        .hasMessageContaining("unsupported format version 2");
  }

  @Test
  void foreignOrIncompleteFilesAreRefused() {
    assertThatThrownBy(() -> TokenizerFile.fromJson("{\"model\": {\"type\": \"BPE\"}}"))
        .hasMessageContaining("not a tokenizer file");
    assertThatThrownBy(() -> TokenizerFile.fromJson("[1, 2]")).hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> TokenizerFile.fromJson("")).isInstanceOf(TokenizerFormatException.class);
    String json = TokenizerFile.toJson(tok);
    assertThatThrownBy(() -> TokenizerFile.fromJson(json.replace("python-v1", "gpt2")))
        .hasMessageContaining("unknown pre_tokenizer \"gpt2\"");
    assertThatThrownBy(() -> TokenizerFile.fromJson(json.replace("\"merges\"", "\"merges_\"")))
        .hasMessageContaining("\"merges\" is missing");
    assertThatThrownBy(() -> TokenizerFile.fromJson(json.replaceFirst("\\[ \\[ (\\d+), (\\d+) \\]", "[ [ $1, \"x\" ]")))
        .hasMessageContaining("merges[0]");
    assertThatThrownBy(() -> TokenizerFile.fromJson(json.replace("\"vocab_size\" : " + tok.vocabSize(), "\"vocab_size\" : 7")))
        .hasMessageContaining("vocab_size");
  }

  @Test
  void alteredContentFailsTheFingerprint() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = (ObjectNode) mapper.readTree(TokenizerFile.toJson(tok));
    // Swap the ids of the first merge whose ids differ: a well-formed file, but another tokenizer.
    ArrayNode merges = (ArrayNode) root.get("merges");
    for (int k = 0; k < merges.size(); k++) {
      ArrayNode m = (ArrayNode) merges.get(k);
      if (m.get(0).intValue() != m.get(1).intValue()) {
        int left = m.get(0).intValue();
        m.set(0, m.get(1));
        m.set(1, left);
        break;
      }
    }
    String altered = mapper.writeValueAsString(root);
    assertThatThrownBy(() -> TokenizerFile.fromJson(altered))
        .isInstanceOf(TokenizerFormatException.class)
        .hasMessageContaining("fingerprint mismatch");
  }
}
