package dev.manimgrpo.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.policy.PromptTemplate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TemplateEncoderTest {

  private final BpeTokenizer tok = SampleCorpus.tokenizer(1024);
  private final TemplateEncoder enc = new TemplateEncoder(tok);

  @Test
  void exampleIsBosPromptCompletionEos() {
    for (ManimBenchSample s : SampleCorpus.samples()) {
      TemplateEncoder.Example ex = enc.example(s.reviewedDescription(), s.code());
      int[] ids = ex.ids();
      assertThat(ids[0]).isEqualTo(tok.bosId());
      assertThat(ids[ids.length - 1]).isEqualTo(tok.eosId());
      assertThat(Arrays.copyOf(ids, ex.promptLength())).isEqualTo(enc.prompt(s.reviewedDescription()));
      int[] target = ex.targetIds();
      assertThat(tok.decode(target, true)).isEqualTo(PromptTemplate.completion(s.code()));
      // What the trainer teaches is what the rollout side turns back into code.
      assertThat(enc.code(target)).isEqualTo(PromptTemplate.normalizeCode(s.code()));
      assertThat(Arrays.stream(ids, 1, ids.length - 1).noneMatch(tok::isSpecial)).isTrue();
    }
  }

  @Test
  void generatedIdsAreCutAtEosAndAtTheStopSequence() {
    int[] gen = concat(tok.encode("x = 1\n```\nmore prose"), new int[] {tok.eosId()}, tok.encode("junk"));
    assertThat(enc.code(gen)).isEqualTo("x = 1\n");
    int[] truncated = tok.encode("class A(Scene):\n    def construct(self):\n        self.wa");
    assertThat(enc.code(truncated)).isEqualTo("class A(Scene):\n    def construct(self):\n        self.wa\n");
  }

  private static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
  }
}
