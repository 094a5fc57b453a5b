package dev.manimgrpo.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {

  private final BpeTokenizer tok = SampleCorpus.tokenizer(2048);

  @Test
  void wholeCorpusRoundTrips() {
    for (String text : SampleCorpus.templatedTexts(SampleCorpus.samples())) {
      assertThat(tok.decode(tok.encode(text))).isEqualTo(text);
    }
    for (String code : SampleCorpus.codes()) {
      assertThat(tok.decode(tok.encode(code))).isEqualTo(code);
    }
  }

  @Test
  void emptyStringIsNoTokens() {
    assertThat(tok.encode("")).isEmpty();
    assertThat(tok.decode(new int[0])).isEmpty();
  }

  @Test
  void randomUnicodeAndBinaryishStringsRoundTrip() {
    Random rnd = new Random(1234567L);
    for (int iter = 0; iter < 3_000; iter++) {
      StringBuilder sb = new StringBuilder();
      int len = rnd.nextInt(60);
      for (int k = 0; k < len; k++) {
        switch (rnd.nextInt(5)) {
          case 0 -> sb.append((char) rnd.nextInt(0x80)); // ASCII incl. control chars
          case 1 -> sb.append("    self.play(".charAt(rnd.nextInt(14)));
          case 2 -> sb.appendCodePoint(rnd.nextInt(0x800));
          case 3 -> sb.appendCodePoint(rnd.nextInt(Character.MAX_CODE_POINT + 1)); // surrogates too
          default -> sb.append((char) (0xD800 + rnd.nextInt(0x800))); // unpaired surrogate units
        }
      }
      String s = sb.toString();
      assertThat(tok.decode(tok.encode(s))).isEqualTo(s);
    }
  }

  @Test
  void tokensAreTheUtf8BytesOfTheText() {
    String s = "self.play(Write(Text(\"Größe 🎬\")), run_time=0.6)\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : tok.encode(s)) {
      assertThat(tok.isSpecial(id)).isFalse();
      out.writeBytes(tok.tokenBytes(id));
    }
    assertThat(out.toByteArray()).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void specialTokensAreNeverProducedFromText() {
    String text = "<|bos|>hello<|eos|><|pad|> <|eos|>\n";
    int[] ids = tok.encode(text);
    assertThat(ids).doesNotContain(tok.bosId(), tok.eosId(), tok.padId());
    assertThat(tok.decode(ids)).isEqualTo(text);
    assertThat(tok.vocabSize()).isEqualTo(256 + tok.merges().size() + 3);
    assertThat(new int[] {tok.bosId(), tok.eosId(), tok.padId()})
        .containsExactly(tok.vocabSize() - 3, tok.vocabSize() - 2, tok.vocabSize() - 1);
    assertThat(tok.decode(new int[] {tok.bosId(), 'a', tok.eosId()})).isEqualTo("<|bos|>a<|eos|>");
    assertThat(tok.decode(new int[] {tok.bosId(), 'a', tok.eosId()}, true)).isEqualTo("a");
  }

  @Test
  void decodingACutCharacterGivesReplacementNotAnException() {
    int[] bytes = {'a', 0xF0, 0x9F}; // "a" + half of an emoji, as a cut-off generation would end
    assertThat(tok.decode(bytes)).isEqualTo("a\uFFFD");
    assertThatThrownBy(() -> tok.decode(new int[] {tok.vocabSize()}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
    assertThatThrownBy(() -> tok.decode(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void indentationCostsOneTokenPerLine() {
    for (String indent : List.of("\n    ", "\n        ", "\n            ")) {
      assertThat(tok.encode(indent)).as("'%s'", indent.replace("\n", "\\n")).hasSize(1);
    }
    String code = "class S(Scene):\n    def construct(self):\n        self.wait(1)\n";
    int[] ids = tok.encode(code);
    assertThat(Arrays.stream(ids).mapToObj(tok::tokenText)).contains("\n    ", "\n        ");
  }

  @Test
  void rejectsMalformedMergeLists() {
    List<String> sp = BpeTokenizer.DEFAULT_SPECIALS;
    assertThatThrownBy(() -> new BpeTokenizer(List.of(new Merge(256, 1)), sp)).hasMessageContaining("does not exist yet");
    assertThatThrownBy(() -> new BpeTokenizer(List.of(new Merge(1, 2), new Merge(1, 2)), sp)).hasMessageContaining("repeats");
    assertThatThrownBy(() -> new BpeTokenizer(List.of(), List.of("<|bos|>", "<|eos|>"))).hasMessageContaining("lack <|pad|>");
    assertThatThrownBy(() -> new BpeTokenizer(List.of(), List.of("<|bos|>", "<|eos|>", "<|pad|>", "<|eos|>"))).hasMessageContaining("twice");
  }

  @Test
  void encodesAtLeastAMegabytePerSecond() {
    // A held-out-ish stream: the corpus with its identifiers and numbers shuffled a little.
    StringBuilder sb = new StringBuilder();
    Random rnd = new Random(5);
    List<String> codes = SampleCorpus.codes();
    while (sb.length() < 4_000_000) {
      sb.append(codes.get(rnd.nextInt(codes.size())).replace("0.", "0." + rnd.nextInt(100)));
    }
    String big = sb.toString();
    BpeTokenizer fresh = new BpeTokenizer(tok.merges(), tok.specialTokens()); // empty cache
    fresh.encode(big.substring(0, 200_000)); // JIT warm-up
    long t0 = System.nanoTime();
    int[] ids = fresh.encode(big);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double mbPerS = big.length() / 1e6 / seconds;
    System.out.printf("encode throughput: %.1f MB/s (%d chars -> %d tokens in %.3f s)%n", mbPerS, big.length(), ids.length, seconds);
    assertThat(mbPerS).isGreaterThan(1.0);
  }
}
