package dev.manimgrpo.policy.hf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regexes of {@code tokenizer.json} ({@code Split} patterns), written for Oniguruma, the engine
 * the tokenizers library uses, compiled to {@link java.util.regex.Pattern} with the same matches.
 *
 * <p>Most of Oniguruma's syntax means the same in Java ({@code \p{L}}, {@code \p{N}}, {@code
 * (?i:...)}, lookarounds, possessive {@code ?+ *+ ++}, atomic groups); what differs is translated:
 *
 * <ul>
 *   <li>every pattern compiles with {@link Pattern#UNICODE_CHARACTER_CLASS}: Oniguruma's {@code \s},
 *       {@code \w}, {@code \d}, {@code \b} are Unicode ({@code \s} is White_Space: U+00A0, U+0085,
 *       U+2028, U+3000 ...), Java's are ASCII without the flag, and its {@code (?i)} then folds
 *       Unicode case too ({@code (?i:'s)} matches {@code 'ſ}, U+017F);
 *   <li>{@code .} is {@code [^\n]}, {@code ^} and {@code $} are line anchors on {@code \n} alone
 *       ({@code (?:\A|(?<=\n)(?!\z))}, {@code (?=\n|\z)}), {@code \Z} is {@code (?=\n?\z)}: Java's
 *       {@code .} and {@code \Z} also stop at {@code \r}, U+0085, U+2028, U+2029;
 *   <li>{@code \h} / {@code \H} (a hex digit in Oniguruma, horizontal space in Java) become
 *       {@code [0-9a-fA-F]} / {@code [^0-9a-fA-F]}; POSIX brackets {@code [:alpha:]} become
 *       {@code \p{Alpha}}; property names Java knows only with {@code Is} ({@code \p{Han}}) get it;
 *       {@code \p{^X}} becomes {@code \P{X}};
 *   <li>an interval followed by {@code +} repeats the interval ({@code X{1,3}+} is {@code
 *       (?:X{1,3})+}, written {@code X{1,}}), where Java would make it possessive; {@code {,n}} becomes {@code {0,n}}; a
 *       {@code {} that starts no interval is a literal;
 *       {@code (?m)} (Ruby's dot-all) becomes {@code (?s)}; {@code (?#...)} comments are dropped.
 * </ul>
 *
 * Constructs whose Java meaning differs and that no tokenizer is known to use ({@code \K}, {@code
 * \R}, {@code \X}, {@code \g<...>}, absent operators, other inline options) are refused, naming the
 * construct. Java's Unicode tables are those of the JDK (Unicode 13 in Java 17), the tokenizers
 * library's those of its Oniguruma; characters assigned since differ in {@code \p{L}} and friends.
 */
final class HfRegex {

  private static final String LINE_START = "(?:\\A|(?<=\\n)(?!\\z))";
  private static final String LINE_END = "(?=\\n|\\z)";
  private static final String STRING_END_OR_FINAL_NEWLINE = "(?=\\n?\\z)";
  private static final String HEX = "0-9a-fA-F";
  private static final Pattern INTERVAL = Pattern.compile("\\{(\\d*)(,(\\d*))?}");

  private HfRegex() {}

  /** Compiles an Oniguruma pattern from a tokenizer file. */
  static Pattern compile(String oniguruma) {
    String java = translate(oniguruma);
    try {
      return Pattern.compile(java, Pattern.UNICODE_CHARACTER_CLASS);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("the pattern " + quote(oniguruma) + " (as Java: " + quote(java)
          + ") does not compile: " + e.getDescription(), e);
    }
  }

  /** The Java form of an Oniguruma pattern, without the flags {@link #compile} adds. */
  static String translate(String p) {
    StringBuilder out = new StringBuilder(p.length() + 16);
    // Where the last atom (what a quantifier applies to) starts in out, and the open groups.
    int atomStart = -1;
    Deque<Integer> groups = new ArrayDeque<>();
    int i = 0;
    int n = p.length();
    while (i < n) {
      char c = p.charAt(i);
      switch (c) {
        case '\\' -> {
          atomStart = out.length();
          i = escape(p, i, out, false);
        }
        case '[' -> {
          atomStart = out.length();
          i = characterClass(p, i, out);
        }
        case '.' -> {
          atomStart = out.length();
          out.append("[^\\n]");
          i++;
        }
        case '^' -> {
          atomStart = -1;
          out.append(LINE_START);
          i++;
        }
        case '$' -> {
          atomStart = -1;
          out.append(LINE_END);
          i++;
        }
        case '{' -> i = brace(p, i, out, atomStart);
        case '(' -> {
          int start = out.length();
          i = group(p, i, out);
          if (out.length() > start && out.charAt(out.length() - 1) != ')') {
            groups.push(start); // a group opened; (?i) and (?#...) open none
          }
          atomStart = -1;
        }
        case ')' -> {
          if (groups.isEmpty()) {
            throw refused(p, "an unbalanced ')'");
          }
          out.append(')');
          atomStart = groups.pop();
          i++;
        }
        case '|' -> {
          atomStart = -1;
          out.append(c);
          i++;
        }
        case '*', '+', '?' -> {
          out.append(c);
          i++;
        }
        default -> {
          atomStart = out.length();
          out.append(c);
          i++;
        }
      }
    }
    return out.toString();
  }

  /** An escape at {@code p[i] == '\\'}; returns the index after it. */
  private static int escape(String p, int i, StringBuilder out, boolean inClass) {
    if (i + 1 >= p.length()) {
      throw refused(p, "a trailing backslash");
    }
    char e = p.charAt(i + 1);
    switch (e) {
      case 'h' -> {
        out.append(inClass ? HEX : "[" + HEX + "]");
        return i + 2;
      }
      case 'H' -> {
        if (inClass) {
          out.append("&&[^").append(HEX).append("]");
        } else {
          out.append("[^").append(HEX).append("]");
        }
        return i + 2;
      }
      case 'p', 'P' -> {
        return property(p, i, out);
      }
      case 'Z' -> {
        if (inClass) {
          throw refused(p, "\\Z inside a character class");
        }
        out.append(STRING_END_OR_FINAL_NEWLINE);
        return i + 2;
      }
      case 'K', 'R', 'X', 'O', 'N', 'y', 'Y', 'g' -> throw refused(p, "\\" + e);
      default -> {
        out.append('\\').append(e);
        return i + 2;
      }
    }
  }

  /** {@code \p{Name}}, {@code \P{Name}}, {@code \p{^Name}}: Java's spelling of the same property. */
  private static int property(String p, int i, StringBuilder out) {
    boolean negated = p.charAt(i + 1) == 'P';
    if (i + 2 >= p.length() || p.charAt(i + 2) != '{') {
      throw refused(p, "\\" + p.charAt(i + 1) + " without {name}");
    }
    int close = p.indexOf('}', i + 3);
    if (close < 0) {
      throw refused(p, "an unclosed \\p{");
    }
    String name = p.substring(i + 3, close);
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.substring(1);
    }
    out.append(negated ? "\\P{" : "\\p{").append(javaProperty(name, p)).append('}');
    return close + 1;
  }

  private static String javaProperty(String name, String pattern) {
    for (String candidate : List.of(name, "Is" + name, "Is" + name.replace("_", ""))) {
      try {
        Pattern.compile("\\p{" + candidate + "}", Pattern.UNICODE_CHARACTER_CLASS);
        return candidate;
      } catch (PatternSyntaxException unknown) {
        // try the next spelling
      }
    }
    throw refused(pattern, "the property \\p{" + name + "}, unknown to Java");
  }

  /** A character class from {@code p[i] == '['} to its matching {@code ']'}, nested classes included. */
  private static int characterClass(String p, int i, StringBuilder out) {
    int n = p.length();
    out.append('[');
    int j = i + 1;
    if (j < n && p.charAt(j) == '^') {
      out.append('^');
      j++;
    }
    if (j < n && p.charAt(j) == ']') {
      out.append("\\]"); // a ']' first in the class is a literal in Oniguruma
      j++;
    }
    while (j < n) {
      char c = p.charAt(j);
      if (c == ']') {
        out.append(']');
        return j + 1;
      }
      if (c == '\\') {
        j = escape(p, j, out, true);
      } else if (c == '[' && j + 1 < n && p.charAt(j + 1) == ':') {
        int end = p.indexOf(":]", j + 2);
        if (end < 0) {
          throw refused(p, "an unclosed POSIX bracket");
        }
        String name = p.substring(j + 2, end);
        boolean negated = name.startsWith("^");
        String posix = Character.toUpperCase(name.charAt(negated ? 1 : 0)) + name.substring(negated ? 2 : 1);
        out.append(negated ? "\\P{" : "\\p{").append(javaProperty(posix, p)).append('}');
        j = end + 2;
      } else if (c == '[') {
        j = characterClass(p, j, out);
      } else {
        out.append(c);
        j++;
      }
    }
    throw refused(p, "an unclosed character class");
  }

  /**
   * A {@code {} outside a class: an interval quantifier, or a literal brace. An interval followed
   * by {@code +} is not possessive in Oniguruma's syntax but repeats the interval: {@code
   * \\p{N}{1,3}+} is {@code (?:\\p{N}{1,3})+}, which matches what {@code \\p{N}{1,}} matches
   * (the repeats reach every count from 1 up, the longest tried first), and is written so.
   */
  private static int brace(String p, int i, StringBuilder out, int atomStart) {
    Matcher m = INTERVAL.matcher(p).region(i, p.length());
    if (m.lookingAt() && (!m.group(1).isEmpty() || (m.group(3) != null && !m.group(3).isEmpty()))) {
      StringBuilder interval = new StringBuilder("{").append(m.group(1).isEmpty() ? "0" : m.group(1));
      if (m.group(2) != null) {
        interval.append(',').append(m.group(3));
      }
      interval.append('}');
      int end = m.end();
      if (end < p.length() && p.charAt(end) == '+') {
        if (atomStart < 0) {
          throw refused(p, "an interval followed by + with nothing to repeat");
        }
        int min = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
        boolean open = m.group(2) != null && m.group(3).isEmpty();
        int max = m.group(2) == null ? min : open ? Integer.MAX_VALUE : Integer.parseInt(m.group(3));
        if (min >= 1 && (open || max >= 2 * min - 1)) {
          // Repeats of [min, max] reach every count from min up: X{min,}, greedy the same way,
          // without the group Java would match by recursion (a stack overflow on a long run).
          out.append('{').append(min).append(",}");
        } else {
          out.insert(atomStart, "(?:").append(interval).append(")+");
        }
        return end + 1;
      }
      out.append(interval);
      return end;
    }
    out.append("\\{");
    return i + 1;
  }

  /** A group opening at {@code p[i] == '('}: the kinds Java reads alike are copied, others translated. */
  private static int group(String p, int i, StringBuilder out) {
    if (i + 1 >= p.length() || p.charAt(i + 1) != '?') {
      out.append('(');
      return i + 1;
    }
    if (i + 2 >= p.length()) {
      throw refused(p, "an unfinished group");
    }
    char k = p.charAt(i + 2);
    if (k == ':' || k == '=' || k == '!' || k == '>') {
      out.append("(?").append(k);
      return i + 3;
    }
    if (k == '<') {
      // lookbehind (?<= (?<! or a named group (?<name>: the same in Java
      out.append("(?<");
      return i + 3;
    }
    if (k == '#') {
      int close = p.indexOf(')', i);
      if (close < 0) {
        throw refused(p, "an unclosed (?# comment");
      }
      return close + 1;
    }
    // Inline options: (?imx-imx) or (?imx-imx: ...
    int j = i + 2;
    List<Character> flags = new ArrayList<>();
    while (j < p.length() && p.charAt(j) != ')' && p.charAt(j) != ':') {
      char f = p.charAt(j);
      if (f == 'i' || f == 'x' || f == '-') {
        flags.add(f);
      } else if (f == 'm') {
        flags.add('s'); // Ruby's m is dot-all
      } else {
        throw refused(p, "the construct (?" + f);
      }
      j++;
    }
    if (j >= p.length()) {
      throw refused(p, "an unfinished group");
    }
    out.append("(?");
    flags.forEach(out::append);
    out.append(p.charAt(j));
    return j + 1;
  }

  private static IllegalArgumentException refused(String pattern, String what) {
    return new IllegalArgumentException("the pattern " + quote(pattern) + " uses " + what
        + ", which this translation from Oniguruma to Java does not support");
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
