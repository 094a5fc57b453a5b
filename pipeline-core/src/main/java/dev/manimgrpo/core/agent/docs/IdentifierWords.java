package dev.manimgrpo.core.agent.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sub-words of a code identifier ({@code ThreeDAxes} -> three, d, axes; {@code set_fill} -> set, fill).
 *
 * <p>Why: a model that invents a name usually keeps most of its parts right ({@code FadeInFromLeft},
 * {@code set_colour}), and a task description talks in those parts ("a circle grows"), so both the name
 * suggestions and the concept search compare sub-words, not whole identifiers. Splits at underscores and
 * other non-alphanumerics, at a lower-to-upper case change, and at the end of an acronym
 * ({@code SVGMobject} -> svg, mobject); digits stay with their letters ({@code cross2d}, {@code R3}).
 */
final class IdentifierWords {

  private static final Pattern IDENTIFIER = Pattern.compile("\\b[A-Za-z_][A-Za-z0-9_]*");

  private IdentifierWords() {}

  /** The lower-case sub-words of {@code identifier}, in order; empty for a name without letters or digits. */
  static List<String> split(String identifier) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    int n = identifier.length();
    for (int i = 0; i < n; i++) {
      char c = identifier.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(w, words);
        continue;
      }
      if (w.length() > 0 && Character.isUpperCase(c)) {
        char prev = identifier.charAt(i - 1);
        boolean nextLower = i + 1 < n && Character.isLowerCase(identifier.charAt(i + 1));
        // fooBar: a new word at B; SVGMobject: the M after an acronym starts "mobject"
        if (Character.isLowerCase(prev) || (Character.isUpperCase(prev) && nextLower)) {
          flush(w, words);
        }
      }
      w.append(c);
    }
    flush(w, words);
    return words;
  }

  /** The name folded for whole-name comparison: lower case, underscores dropped ({@code setColor} = {@code set_color}). */
  static String normalise(String identifier) {
    StringBuilder b = new StringBuilder(identifier.length());
    for (int i = 0; i < identifier.length(); i++) {
      char c = identifier.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        b.append(Character.toLowerCase(c));
      }
    }
    return b.toString();
  }

  /**
   * {@code text} with every identifier that splits followed by its sub-words ({@code ParametricFunction}
   * -> {@code ParametricFunction parametric function}), for free text that mixes prose and code
   * (signatures, docstrings that cite {@code :class:`~.ParametricFunction`}, descriptions that name a
   * class). The identifier stays too, as a prose word may only look like one ({@code LaTeX}).
   */
  static String wordsOfText(String text) {
    Matcher m = IDENTIFIER.matcher(text);
    StringBuilder b = new StringBuilder(text.length() + 16);
    while (m.find()) {
      List<String> words = split(m.group());
      String replacement = words.size() > 1 ? m.group() + " " + String.join(" ", words) : m.group();
      m.appendReplacement(b, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static void flush(StringBuilder w, List<String> words) {
    if (w.length() > 0) {
      words.add(w.toString().toLowerCase(Locale.ROOT));
      w.setLength(0);
    }
  }
}
