package dev.manimgrpo.core.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Short, printable excerpts of offending values: control characters and bytes that are not UTF-8 escaped. */
public final class Excerpts {

  /** Characters an excerpt keeps before it is cut with an ellipsis. */
  public static final int MAX_CHARS = 120;

  private Excerpts() {}

  /** The start of {@code text}, escaped, at most {@link #MAX_CHARS} characters and a note of the full length. */
  public static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (int i = 0; i < text.length() && n < MAX_CHARS; i++, n++) {
      escape(sb, text.charAt(i));
    }
    if (text.length() > MAX_CHARS) {
      sb.append("... (").append(text.length()).append(" chars)");
    }
    return sb.toString();
  }

  /** As {@link #of(String)} for raw bytes: valid UTF-8 shown as text, every other byte as {@code \xNN}. */
  public static String of(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    int shown = 0;
    while (i < bytes.length && shown < MAX_CHARS) {
      int len = sequenceLength(bytes, i);
      if (len == 0) {
        sb.append(String.format("\\x%02X", bytes[i] & 0xff));
        i++;
      } else {
        String ch = new String(bytes, i, len, StandardCharsets.UTF_8);
        for (int k = 0; k < ch.length(); k++) {
          escape(sb, ch.charAt(k));
        }
        i += len;
      }
      shown++;
    }
    if (i < bytes.length) {
      sb.append("... (").append(bytes.length).append(" bytes)");
    }
    return sb.toString();
  }

  /** The offset of the first byte that is not part of valid UTF-8, or -1 when all of it is. */
  public static int firstBadUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return -1;
    } catch (CharacterCodingException e) {
      for (int i = 0; i < bytes.length; ) {
        int len = sequenceLength(bytes, i);
        if (len == 0) {
          return i;
        }
        i += len;
      }
      return 0;
    }
  }

  /** The length of the valid UTF-8 sequence starting at {@code i}, or 0 when none starts there. */
  private static int sequenceLength(byte[] b, int i) {
    for (int len = 1; len <= 4 && i + len <= b.length; len++) {
      try {
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, i, len));
        return len;
      } catch (CharacterCodingException e) {
        // try a longer sequence
      }
    }
    return 0;
  }

  private static void escape(StringBuilder sb, char c) {
    switch (c) {
      case '\n' -> sb.append("\\n");
      case '\r' -> sb.append("\\r");
      case '\t' -> sb.append("\\t");
      case '\\' -> sb.append("\\\\");
      default -> {
        if (Character.isISOControl(c) || c == '\uFFFD') {
          sb.append(String.format("\\u%04X", (int) c));
        } else {
          sb.append(c);
        }
      }
    }
  }
}
