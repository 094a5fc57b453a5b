package dev.manimgrpo.jobs.eval.report;

import java.util.Locale;

/**
 * Text to HTML for a report whose content is hostile: model programs, their stderr, prompts. Every
 * string goes through {@link #esc}; only {@link Fragment}s built here from escaped parts pass through
 * as markup, so a model's {@code <script>} can only ever appear as text.
 */
final class Html {

  /** Markup built by this class (every text in it escaped): the only thing emitted unescaped. */
  record Fragment(String html) {

    @Override
    public String toString() {
      return html;
    }
  }

  /** What a missing value reads as. */
  static final String NA = "n/a";

  private Html() {}

  /**
   * Escapes text for element content and quoted attribute values: {@code & < > " '}. Characters HTML
   * forbids (controls other than tab, newline and carriage return; unpaired surrogates, which UTF-8 cannot
   * encode) become U+FFFD, so hostile bytes can neither break the markup nor the file's encoding.
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        case '\t', '\n', '\r' -> sb.append(c);
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c) || Character.isISOControl(c) || c == '\uFFFE' || c == '\uFFFF') {
            sb.append('\uFFFD');
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  /** A cell's markup: a fragment as is, anything else as escaped text. */
  static String cell(Object o) {
    return o instanceof Fragment f ? f.html() : esc(o == null ? "" : o.toString());
  }

  /** {@code <tag>text</tag>}, the text escaped. */
  static Fragment tag(String tag, String text) {
    return new Fragment("<" + tag + ">" + esc(text) + "</" + tag + ">");
  }

  /** A link to a place inside the report's own folder (hrefs come from {@link #fileName}). */
  static Fragment link(String href, String text) {
    return new Fragment("<a href=\"" + esc(href) + "\">" + esc(text) + "</a>");
  }

  /** A local image. */
  static Fragment img(String src, String alt) {
    return new Fragment("<img src=\"" + esc(src) + "\" alt=\"" + esc(alt) + "\">");
  }

  /**
   * A file or anchor name from arbitrary text: letters, digits, dot, dash and underscore kept, the rest
   * '_', runs of dots made one, at most {@code max} characters; never empty, never starting with a dot.
   */
  static String fileName(String s, int max) {
    String n = (s == null ? "" : s).replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", ".");
    n = n.length() > max ? n.substring(0, max) : n;
    n = n.startsWith(".") ? "_" + n.substring(1) : n;
    return n.isEmpty() ? "_" : n;
  }

  /**
   * A whole page: the style inline (one file, no server, nothing fetched) and a policy that forbids
   * scripts, plugins and a base URL, a second line of defence behind the escaping.
   */
  static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'; object-src 'none'; "
        + "base-uri 'none'; form-action 'none'\">\n"
        + "<title>" + esc(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n" + body
        + "</body>\n</html>\n";
  }

  private static final String CSS = """
      body { font-family: sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
      table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
      th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
      th { background: #f2f2f2; }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
      figure { margin: 1em 0; }
      figcaption { font-size: 0.85em; color: #555; }
      img { max-width: 100%; }
      pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
      mark { background: #ffd7d7; }
      .note { color: #666; font-style: italic; }
      .side { display: flex; gap: 2em; flex-wrap: wrap; align-items: flex-start; }
      """;

  /** A number with the given decimals, or {@link #NA} when missing or NaN. */
  static String num(Double v, int decimals) {
    return v == null || v.isNaN() ? NA : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** A ratio as {@code "3.00×"}, or {@link #NA}. */
  static String ratio(Double v) {
    return v == null || v.isNaN() ? NA : String.format(Locale.ROOT, "%.2f\u00d7", v);
  }
}
