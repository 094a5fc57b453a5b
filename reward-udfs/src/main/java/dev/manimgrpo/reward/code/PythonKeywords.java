package dev.manimgrpo.reward.code;

import java.util.Set;

/**
 * The keyword list the weighted n-gram match gives weight 1.0: CodeBLEU's {@code keywords/python.txt} of the
 * {@code codebleu} package, i.e. Python 3's {@code keyword.kwlist} (35 words) plus the soft keywords
 * {@code match}, {@code case} and {@code type}. (CodeXGLUE's original file has the 35 hard keywords only.)
 * Matching is on whole whitespace-separated tokens, so {@code "else:"} or {@code "return("} are not keywords,
 * exactly as in the original.
 */
public final class PythonKeywords {

  private PythonKeywords() {}

  /** The 35 hard keywords of Python 3 ({@code keyword.kwlist}). */
  public static final Set<String> HARD = Set.of("False", "None", "True", "and", "as", "assert", "async", "await",
      "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
      "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
      "yield");

  /** CodeBLEU's list: the hard keywords plus {@code match}, {@code case}, {@code type}. */
  public static final Set<String> CODEBLEU;

  static {
    java.util.HashSet<String> s = new java.util.HashSet<>(HARD);
    s.add("match");
    s.add("case");
    s.add("type");
    CODEBLEU = Set.copyOf(s);
  }
}
