package dev.manimgrpo.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8CodecTest {

  @Test
  void wellFormedTextEncodesExactlyAsUtf8() {
    String s = "from manim import *  # é ß 中文 🎬 \u0000 \uFFFF";
    assertThat(Utf8Codec.encode(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    assertThat(Utf8Codec.decode(Utf8Codec.encode(s))).isEqualTo(s);
  }

  @Test
  void everyJavaStringRoundTripsIncludingLoneSurrogates() {
    Random rnd = new Random(20240601L);
    for (int iter = 0; iter < 5_000; iter++) {
      char[] cs = new char[rnd.nextInt(20)];
      for (int k = 0; k < cs.length; k++) {
        cs[k] = (char) rnd.nextInt(0x10000); // any UTF-16 unit, so unpaired surrogates too
      }
      String s = new String(cs);
      assertThat(Utf8Codec.decode(Utf8Codec.encode(s))).isEqualTo(s);
    }
    assertThat(Utf8Codec.decode(Utf8Codec.encode("a\uD800b\uDC00"))).isEqualTo("a\uD800b\uDC00");
  }

  @Test
  void incompleteSequencesBecomeReplacementCharactersWithoutThrowing() {
    byte[] emoji = "🎬".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8Codec.decode(emoji, 0, 2)).isEqualTo("\uFFFD");
    assertThat(Utf8Codec.decode(new byte[] {'a', (byte) 0xE4, (byte) 0xB8, 'b'})).isEqualTo("a\uFFFDb");
    assertThat(Utf8Codec.decode(new byte[] {(byte) 0xFF, (byte) 0xC0, (byte) 0x80})).isEqualTo("\uFFFD\uFFFD\uFFFD");
  }

  @Test
  void randomBytesDecodeLikeTheJdkWhereNoSurrogateEncodingIsInvolved() {
    Random rnd = new Random(7);
    for (int iter = 0; iter < 5_000; iter++) {
      byte[] b = new byte[rnd.nextInt(12)];
      rnd.nextBytes(b);
      for (int k = 0; k < b.length; k++) {
        if ((b[k] & 0xFF) == 0xED) {
          b[k] = 'x'; // 0xED A0..BF is where WTF-8 deliberately differs
        }
      }
      assertThat(Utf8Codec.decode(b)).as(java.util.Arrays.toString(b)).isEqualTo(new String(b, StandardCharsets.UTF_8));
    }
  }
}
