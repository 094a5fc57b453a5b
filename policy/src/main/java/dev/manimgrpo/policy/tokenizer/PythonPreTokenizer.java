package dev.manimgrpo.policy.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text into the pieces BPE works inside; merges never cross a piece boundary. Tuned for
 * Python source:
 *
 * <ul>
 *   <li>a line break run ({@code \n}, {@code \r}) together with the indentation after it, so
 *       {@code "\n        "} is one piece and a learned token (indentation costs one token per line);
 *   <li>an identifier or keyword ({@code [letter_][letter digit _]*}), with one leading space;
 *   <li>a number ({@code 12}, {@code 0.25}), with one leading space;
 *   <li>a run of other symbols ({@code "), "}, {@code ==}, {@code ](}), with one leading space;
 *   <li>any other horizontal whitespace run; when it precedes a word, number or symbol its last
 *       space goes to that piece instead (GPT-2's rule), so {@code "x = 1"} is {@code x, " =", " 1"}.
 * </ul>
 *
 * Pieces never split a surrogate pair and are at most {@link #MAX_PIECE_CHARS} chars, which keeps
 * the encoder's per-piece work bounded on pathological input (a megabyte of spaces).
 * The rules are versioned by {@link #ID}: a tokenizer file names the rules it was trained with.
 */
public final class PythonPreTokenizer {

  /** Name of these rules in tokenizer files; change it whenever a rule changes. */
  public static final String ID = "python-v1";

  static final int MAX_PIECE_CHARS = 128;

  private PythonPreTokenizer() {}

  public static List<String> split(String text) {
    List<String> out = new ArrayList<>(text.length() / 3 + 1);
    int n = text.length();
    int i = 0;
    while (i < n) {
      int end = pieceEnd(text, i);
      out.add(text.substring(i, end));
      i = end;
    }
    return out;
  }

  /** End (exclusive) of the piece that starts at {@code i}. */
  static int pieceEnd(String s, int i) {
    int n = s.length();
    int limit = Math.min(n, i + MAX_PIECE_CHARS);
    int cp = s.codePointAt(i);
    if (isLineBreak(cp)) {
      int j = i;
      while (j < limit && isLineBreak(s.charAt(j))) {
        j++;
      }
      while (j < limit && isIndent(s.charAt(j))) {
        j++;
      }
      return j;
    }
    if (isSpace(cp)) {
      int j = i;
      while (j < limit && isSpace(s.charAt(j))) {
        j++;
      }
      // Leave the last plain space to the word/number/symbol that follows.
      if (j < n && s.charAt(j - 1) == ' ' && !isLineBreak(s.charAt(j)) && !isSpace(s.charAt(j))) {
        if (j - 1 > i) {
          return j - 1;
        }
        return bodyEnd(s, j, Math.min(n, i + MAX_PIECE_CHARS));
      }
      return j;
    }
    return bodyEnd(s, i, limit);
  }

  /** End of the word, number or symbol run starting at {@code i}, not beyond {@code limit}. */
  private static int bodyEnd(String s, int i, int limit) {
    int cp = s.codePointAt(i);
    int j = i + Character.charCount(cp);
    if (isWordStart(cp)) {
      while (j < limit) {
        int c = s.codePointAt(j);
        if (!isWordPart(c) || j + Character.charCount(c) > limit) {
          break;
        }
        j += Character.charCount(c);
      }
      return j;
    }
    if (isDigit(cp)) {
      j = digitsEnd(s, j, limit);
      // One decimal part: "0.25" is one piece, "x.y" and "1..2" are not.
      if (j + 1 < limit && s.charAt(j) == '.' && isDigit(s.charAt(j + 1))) {
        j = digitsEnd(s, j + 1, limit);
      }
      return j;
    }
    while (j < limit) {
      int c = s.codePointAt(j);
      if (isLineBreak(c) || isSpace(c) || isWordStart(c) || isDigit(c) || j + Character.charCount(c) > limit) {
        break;
      }
      j += Character.charCount(c);
    }
    return j;
  }

  private static int digitsEnd(String s, int j, int limit) {
    while (j < limit && isDigit(s.charAt(j))) {
      j++;
    }
    return j;
  }

  private static boolean isLineBreak(int c) {
    return c == '\n' || c == '\r';
  }

  private static boolean isIndent(int c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isSpace(int c) {
    return !isLineBreak(c) && Character.isWhitespace(c);
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordStart(int c) {
    return c == '_' || Character.isLetter(c);
  }

  private static boolean isWordPart(int c) {
    if (c == '_' || Character.isLetterOrDigit(c)) {
      return true;
    }
    int t = Character.getType(c);
    return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK;
  }
}
