package dev.manimgrpo.policy.hf;

import dev.manimgrpo.policy.tokenizer.Utf8Codec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet, as the tokenizers library's {@code ByteLevel} pre-tokenizer and
 * decoder use it: each of the 256 bytes stands for one printable character (the printable Latin-1
 * bytes for themselves, the others for U+0100 onwards, so the space is {@code Ġ} U+0120 and the
 * newline {@code Ċ} U+010A). A piece of text becomes the characters of its UTF-8 bytes; BPE then
 * works on those.
 */
final class HfByteLevel {

  /** The regex {@code ByteLevel} splits with when {@code use_regex} is true (GPT-2's). */
  static final Pattern GPT2_SPLIT = HfRegex.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final char[] BYTE_TO_CHAR = new char[256];
  /** Indexed by character (all below U+0144); -1 where a character stands for no byte. */
  private static final int[] CHAR_TO_BYTE = new int[0x144];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + next++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private HfByteLevel() {}

  /** The byte-level form of {@code text}: one character per UTF-8 byte. */
  static String encode(String text) {
    byte[] bytes = Utf8Codec.encode(text);
    char[] out = new char[bytes.length];
    for (int k = 0; k < bytes.length; k++) {
      out[k] = BYTE_TO_CHAR[bytes[k] & 0xFF];
    }
    return new String(out);
  }

  /** The character byte {@code b} (0-255) stands for. */
  static char charOf(int b) {
    return BYTE_TO_CHAR[b];
  }

  /**
   * The decoder: each token's characters back to bytes, or, for a token with a character outside
   * the alphabet (an added token such as {@code <|im_start|>} can have one), the token's own UTF-8;
   * then all the bytes as UTF-8, invalid sequences replaced as {@link #decodeUtf8Lossy} does.
   */
  static String decode(List<String> tokens) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (String t : tokens) {
      byte[] own = new byte[t.length()];
      boolean all = true;
      for (int k = 0; k < t.length(); k++) {
        char c = t.charAt(k);
        int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
        if (b < 0) {
          all = false;
          break;
        }
        own[k] = (byte) b;
      }
      bytes.writeBytes(all ? own : t.getBytes(StandardCharsets.UTF_8));
    }
    return decodeUtf8Lossy(bytes.toByteArray());
  }

  /**
   * UTF-8 to text as Rust's {@code String::from_utf8_lossy} does it: one U+FFFD per maximal
   * invalid subpart (the longest prefix of a valid sequence, or one byte), decoding resuming at the
   * first byte that does not fit. Unlike {@link Utf8Codec#decode}, encoded surrogates ({@code ED
   * A0..BF}) are invalid, as in Rust.
   */
  static String decodeUtf8Lossy(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int b0 = b[i] & 0xFF;
      if (b0 < 0x80) {
        sb.append((char) b0);
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0) {
          lo = 0xA0;
        } else if (b0 == 0xED) {
          hi = 0x9F;
        }
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0) {
          lo = 0x90;
        } else if (b0 == 0xF4) {
          hi = 0x8F;
        }
      } else {
        sb.append('\uFFFD');
        i++;
        continue;
      }
      int cp = b0 & (0x3F >> need);
      int j = i + 1;
      boolean ok = true;
      for (int k = 0; k < need; k++, j++) {
        int bk = j < b.length ? b[j] & 0xFF : -1;
        if (bk < (k == 0 ? lo : 0x80) || bk > (k == 0 ? hi : 0xBF)) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (bk & 0x3F);
      }
      if (ok) {
        sb.appendCodePoint(cp);
      } else {
        sb.append('\uFFFD');
      }
      i = j;
    }
    return sb.toString();
  }
}
