package dev.manimgrpo.reward.code;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Java port of CodeBLEU's {@code remove_comments_and_docstrings(source, "python")}, which the official syntax
 * match and data-flow match apply to both programs before parsing. The original walks Python's
 * {@code tokenize} stream and drops
 *
 * <ul>
 *   <li>every COMMENT token;</li>
 *   <li>every STRING token whose previous token is INDENT or NEWLINE, or that starts in column 0 (so
 *       docstrings, but also a string that begins a statement, as in {@code "".join(xs)} at line start);</li>
 * </ul>
 * then rebuilds the text from the remaining tokens (which also drops backslash-newline continuations) and
 * drops all whitespace-only lines. When {@code tokenize} raises, the source is used unchanged.
 *
 * <p>This class reproduces that token logic with a small Python lexer (strings with prefixes and triple
 * quotes, comments, brackets, backslash continuations, INDENT/DEDENT/NEWLINE/NL). Removed strings are
 * deleted, comments and continuations blanked (joining continued lines, as the original does) and blank
 * lines dropped; the result has the original's lines, indentation and tokens (checked against the original
 * on 250 standard-library modules; only spacing inside a line can differ, which does not change the parse). Cases where {@code tokenize} raises and the source is returned unchanged: an
 * unterminated string (Python 3.12+ behaviour; 3.8-3.11 emit an error token and go on), EOF inside brackets
 * or after a backslash continuation, and a dedent to a column that matches no enclosing indentation.
 * f-strings are treated as one STRING token, as {@code tokenize} does before Python 3.12.
 *
 * <p>Stateless and thread-safe.
 */
public final class PythonSourceCleaner {

  private PythonSourceCleaner() {}

  private enum Tok { INDENT, DEDENT, NEWLINE, NL, COMMENT, STRING, OTHER }

  /**
   * What the original removes from a source, as char ranges {@code [start, end)}.
   *
   * @param tokenizeOk false when Python's tokenizer would raise: then nothing is removed
   * @param comments COMMENT tokens
   * @param strings STRING tokens removed as docstrings
   * @param continuations backslash-newline continuations, which the original's re-spacing also drops
   */
  public record Analysis(boolean tokenizeOk, List<int[]> comments, List<int[]> strings, List<int[]> continuations) {
    /** Whether anything is removed. */
    public boolean removesAnything() {
      return tokenizeOk && (!comments.isEmpty() || !strings.isEmpty() || !continuations.isEmpty());
    }
  }

  /** The source without comments and docstrings, as CodeBLEU's helper returns it. */
  public static String removeCommentsAndDocstrings(String source) {
    if (source == null || source.isEmpty()) {
      return "";
    }
    return apply(source, analyze(source));
  }

  /**
   * The text the original produces for {@code source}, given its analysis. The original emits no text for a
   * removed string and keeps the spacing of the tokens after it, so a removed string is deleted outright;
   * comments and continuations are blanked (the original joins a continued line; spacing within a line does
   * not change the parse).
   */
  static String apply(String source, Analysis a) {
    if (!a.tokenizeOk()) {
      return source;
    }
    char[] out = source.toCharArray();
    boolean[] delete = new boolean[out.length];
    for (int[] r : a.comments()) {
      for (int i = r[0]; i < r[1]; i++) {
        out[i] = ' ';
      }
    }
    for (int[] r : a.continuations()) {
      for (int i = r[0]; i < r[1]; i++) {
        out[i] = ' ';
      }
    }
    for (int[] r : a.strings()) {
      for (int i = r[0]; i < r[1]; i++) {
        delete[i] = true;
      }
    }
    StringBuilder sb = new StringBuilder(out.length);
    for (int i = 0; i < out.length; i++) {
      if (!delete[i]) {
        sb.append(out[i]);
      }
    }
    return dropBlankLines(sb.toString());
  }

  /** Runs the token logic over {@code s}. */
  public static Analysis analyze(String s) {
    List<int[]> comments = new ArrayList<>();
    List<int[]> strings = new ArrayList<>();
    List<int[]> continuations = new ArrayList<>();
    boolean ok = s != null && lex(s, comments, strings, continuations);
    if (!ok) {
      return new Analysis(false, List.of(), List.of(), List.of());
    }
    return new Analysis(true, List.copyOf(comments), List.copyOf(strings), List.copyOf(continuations));
  }

  /** Collects the ranges; returns false on a tokenize error. */
  private static boolean lex(String s, List<int[]> comments, List<int[]> strings, List<int[]> continuations) {
    final int n = s.length();
    int pos = 0;
    int depth = 0;
    boolean continuation = false;
    boolean atLineStart = true;
    int lineStart = 0;
    Deque<Integer> indents = new ArrayDeque<>();
    indents.push(0);
    Tok prev = Tok.INDENT;

    while (pos < n) {
      if (atLineStart) {
        atLineStart = false;
        lineStart = pos;
        if (depth == 0 && !continuation) {
          int col = 0;
          int p = pos;
          while (p < n) {
            char c = s.charAt(p);
            if (c == ' ') {
              col++;
            } else if (c == '\t') {
              col = (col / 8 + 1) * 8;
            } else if (c == '\f') {
              col = 0;
            } else {
              break;
            }
            p++;
          }
          if (p >= n) {
            break;
          }
          char c = s.charAt(p);
          if (c == '#' || c == '\n' || c == '\r') {
            // blank or comment-only line: COMMENT? NL, no indentation processing
            if (c == '#') {
              int e = endOfLine(s, p);
              comments.add(new int[] {p, e});
              p = e;
            }
            prev = Tok.NL;
            pos = skipNewline(s, p);
            atLineStart = true;
            continue;
          }
          int top = indents.peek();
          if (col > top) {
            indents.push(col);
            prev = Tok.INDENT;
          } else if (col < top) {
            while (col < indents.peek()) {
              indents.pop();
            }
            if (col != indents.peek()) {
              return false; // IndentationError: unindent does not match any outer indentation level
            }
            prev = Tok.DEDENT;
          }
          pos = p;
        } else {
          continuation = false;
        }
      }
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\f') {
        pos++;
        continue;
      }
      if (c == '\n' || c == '\r') {
        prev = depth > 0 ? Tok.NL : Tok.NEWLINE;
        pos = skipNewline(s, pos);
        atLineStart = true;
        continue;
      }
      if (c == '#') {
        int e = endOfLine(s, pos);
        comments.add(new int[] {pos, e});
        prev = Tok.COMMENT;
        pos = e;
        continue;
      }
      if (c == '\\') {
        int q = pos + 1;
        if (q < n && (s.charAt(q) == '\n' || s.charAt(q) == '\r')) {
          int from = pos;
          pos = skipNewline(s, q);
          continuations.add(new int[] {from, pos});
          if (pos >= n) {
            return false; // EOF in multi-line statement
          }
          continuation = true;
          atLineStart = true;
          continue;
        }
        prev = Tok.OTHER;
        pos++;
        continue;
      }
      int stringStart = stringStartAt(s, pos);
      if (stringStart >= 0) {
        int quotePos = stringStart;
        int e = scanString(s, quotePos);
        if (e < 0) {
          return false; // unterminated string
        }
        boolean remove = prev == Tok.INDENT || prev == Tok.NEWLINE || pos - lineStart == 0;
        if (remove) {
          strings.add(new int[] {pos, e});
        }
        prev = Tok.STRING;
        pos = e;
        continue;
      }
      if (isIdentifierStart(c)) {
        while (pos < n && isIdentifierPart(s.charAt(pos))) {
          pos++;
        }
        prev = Tok.OTHER;
        continue;
      }
      if (Character.isDigit(c) || (c == '.' && pos + 1 < n && Character.isDigit(s.charAt(pos + 1)))) {
        pos++;
        while (pos < n) {
          char d = s.charAt(pos);
          if (Character.isLetterOrDigit(d) || d == '_' || d == '.') {
            pos++;
          } else if ((d == '+' || d == '-') && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')) {
            pos++;
          } else {
            break;
          }
        }
        prev = Tok.OTHER;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth = Math.max(0, depth - 1);
      }
      prev = Tok.OTHER;
      pos++;
    }
    return depth == 0; // else: EOF in multi-line statement
  }

  private static int endOfLine(String s, int p) {
    int n = s.length();
    while (p < n && s.charAt(p) != '\n' && s.charAt(p) != '\r') {
      p++;
    }
    return p;
  }

  private static int skipNewline(String s, int p) {
    int n = s.length();
    if (p < n && s.charAt(p) == '\r') {
      p++;
      if (p < n && s.charAt(p) == '\n') {
        p++;
      }
      return p;
    }
    if (p < n && s.charAt(p) == '\n') {
      p++;
    }
    return p;
  }

  /**
   * If a string literal (with optional prefix) starts at {@code pos}, the index of its opening quote; else -1.
   * Called only at token starts (identifiers are consumed whole), as Python's tokenizer does.
   */
  private static int stringStartAt(String s, int pos) {
    int n = s.length();
    char c = s.charAt(pos);
    if (c == '"' || c == '\'') {
      return pos;
    }
    int p = pos;
    while (p < n && p - pos < 2 && "rRbBuUfF".indexOf(s.charAt(p)) >= 0) {
      p++;
    }
    if (p == pos || p >= n || (s.charAt(p) != '"' && s.charAt(p) != '\'')) {
      return -1;
    }
    String prefix = s.substring(pos, p).toLowerCase(java.util.Locale.ROOT);
    switch (prefix) {
      case "r", "u", "b", "f", "br", "rb", "fr", "rf":
        return p;
      default:
        return -1;
    }
  }

  /** End index (exclusive) of the string whose opening quote is at {@code q}, or -1 if unterminated. */
  private static int scanString(String s, int q) {
    int n = s.length();
    char quote = s.charAt(q);
    boolean triple = q + 2 < n && s.charAt(q + 1) == quote && s.charAt(q + 2) == quote;
    int p = q + (triple ? 3 : 1);
    while (p < n) {
      char c = s.charAt(p);
      if (c == '\\') {
        p += 2;
        continue;
      }
      if (triple) {
        if (c == quote && p + 2 < n && s.charAt(p + 1) == quote && s.charAt(p + 2) == quote) {
          return p + 3;
        }
      } else {
        if (c == quote) {
          return p + 1;
        }
        if (c == '\n' || c == '\r') {
          return -1;
        }
      }
      p++;
    }
    return -1;
  }

  private static boolean isIdentifierStart(char c) {
    return c == '_' || Character.isLetter(c) || c > 127 && Character.isJavaIdentifierStart(c);
  }

  private static boolean isIdentifierPart(char c) {
    return c == '_' || Character.isLetterOrDigit(c) || c > 127 && Character.isJavaIdentifierPart(c);
  }

  /** Python: {@code '\n'.join(x for x in s.split('\n') if x.strip() != '')}. */
  static String dropBlankLines(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    boolean first = true;
    while (i <= n) {
      int j = s.indexOf('\n', i);
      if (j < 0) {
        j = n;
      }
      if (!isBlank(s, i, j)) {
        if (!first) {
          sb.append('\n');
        }
        sb.append(s, i, j);
        first = false;
      }
      i = j + 1;
    }
    return sb.toString();
  }

  private static boolean isBlank(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!PythonText.isPythonWhitespace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
