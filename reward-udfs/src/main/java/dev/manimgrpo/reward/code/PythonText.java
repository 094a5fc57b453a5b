package dev.manimgrpo.reward.code;

import java.util.ArrayList;
import java.util.List;

/** Python string semantics the official CodeBLEU relies on ({@code str.split()}, {@code str.strip()}). */
final class PythonText {

  private PythonText() {}

  /** Python's {@code str.isspace()} for one char (BMP), which {@code split()} and {@code strip()} use. */
  static boolean isPythonWhitespace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  /** Python's {@code s.strip()}. */
  static String strip(String s) {
    if (s == null) {
      return "";
    }
    int a = 0;
    int b = s.length();
    while (a < b && isPythonWhitespace(s.charAt(a))) {
      a++;
    }
    while (b > a && isPythonWhitespace(s.charAt(b - 1))) {
      b--;
    }
    return s.substring(a, b);
  }

  /** Python's {@code s.split()}: runs of whitespace separate tokens, no empty tokens. */
  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    int n = s.length();
    int i = 0;
    while (i < n) {
      while (i < n && isPythonWhitespace(s.charAt(i))) {
        i++;
      }
      int j = i;
      while (j < n && !isPythonWhitespace(s.charAt(j))) {
        j++;
      }
      if (j > i) {
        out.add(s.substring(i, j));
      }
      i = j;
    }
    return out;
  }
}
