package dev.manimgrpo.policy.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * Turns Java strings into the bytes the tokenizer works on, and back.
 *
 * <p>The encoding is UTF-8, generalised the way WTF-8 does it: an unpaired surrogate (legal in a
 * Java {@code String}, not in Unicode text) is written as the three bytes UTF-8 would give its code
 * unit, instead of the {@code '?'} that {@link String#getBytes} writes. That is what makes
 * {@code decode(encode(s)).equals(s)} hold for every string, not only for well-formed text.
 *
 * <p>Decoding never throws: a byte sequence that is invalid or cut short (a model can stop in the
 * middle of a character) becomes one U+FFFD per maximal invalid subpart, as the Unicode standard
 * recommends, and the bytes after it are decoded normally.
 */
public final class Utf8Codec {

  /** The replacement character written for undecodable bytes. */
  public static final char REPLACEMENT = '\uFFFD';

  private Utf8Codec() {}

  public static byte[] encode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
    encode(s, 0, s.length(), out);
    return out.toByteArray();
  }

  /** Encodes {@code s[from, to)}; a surrogate pair split by the range is written as two lone halves. */
  static void encode(CharSequence s, int from, int to, ByteArrayOutputStream out) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.write(c);
      } else if (c < 0x800) {
        out.write(0xC0 | (c >> 6));
        out.write(0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xF0 | (cp >> 18));
        out.write(0x80 | ((cp >> 12) & 0x3F));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else {
        // BMP character, or a lone surrogate written as its code unit (the WTF-8 rule).
        out.write(0xE0 | (c >> 12));
        out.write(0x80 | ((c >> 6) & 0x3F));
        out.write(0x80 | (c & 0x3F));
      }
    }
  }

  public static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  public static String decode(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder(len);
    int end = off + len;
    int i = off;
    while (i < end) {
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
          lo = 0xA0; // no overlong forms
        }
        // 0xED may carry a surrogate (0xA0..0xBF): accepted, it is how lone surrogates travel.
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0) {
          lo = 0x90;
        } else if (b0 == 0xF4) {
          hi = 0x8F; // nothing above U+10FFFF
        }
      } else {
        sb.append(REPLACEMENT);
        i++;
        continue;
      }
      int cp = b0 & (0x3F >> need);
      int j = i + 1;
      boolean ok = true;
      for (int k = 0; k < need; k++, j++) {
        int bk = j < end ? b[j] & 0xFF : -1;
        int min = k == 0 ? lo : 0x80;
        int max = k == 0 ? hi : 0xBF;
        if (bk < min || bk > max) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (bk & 0x3F);
      }
      if (!ok) {
        // One replacement for the valid-so-far prefix; resume at the offending byte.
        sb.append(REPLACEMENT);
        i = j;
        continue;
      }
      sb.appendCodePoint(cp);
      i = j;
    }
    return sb.toString();
  }
}
