package dev.manimgrpo.core.code;

import dev.manimgrpo.core.code.ExtractedCode.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the Manim program out of a model's answer, trying in order: {@code <CODE>} tags,
 * fenced blocks (python-marked first), then plain code. Among several blocks it prefers one
 * that defines a Scene subclass, then the longest; a fence left open by a truncated
 * generation runs to the end of the answer.
 */
public final class CodeExtractor {

  private static final Pattern CODE_TAG = Pattern.compile("(?is)<code>\\s*(.*?)\\s*(?:</code>|\\z)");
  private static final Pattern FENCE = Pattern.compile("(?m)^[ \\t]*```[ \\t]*([\\w+#.-]*)[^\\n]*\\n(.*?)(?:^[ \\t]*```[ \\t]*$|\\z)", Pattern.DOTALL);
  private static final Pattern CODE_START = Pattern.compile("(?m)^(?:from\\s+\\w[\\w.]*\\s+import\\b|import\\s+\\w|class\\s+\\w+\\s*[(:]|def\\s+\\w+\\s*\\(|@\\w)");

  private CodeExtractor() {}

  public static ExtractedCode extract(String answer) {
    if (answer == null || answer.isBlank()) {
      return new ExtractedCode("", Method.NONE);
    }
    Matcher tag = CODE_TAG.matcher(answer);
    if (tag.find()) {
      String inner = tag.group(1);
      ExtractedCode fenced = fenced(inner);
      String code = fenced != null ? fenced.code() : inner;
      if (!code.isBlank()) {
        return new ExtractedCode(normalise(code), Method.CODE_TAG);
      }
    }
    ExtractedCode fenced = fenced(answer);
    if (fenced != null) {
      return fenced;
    }
    Matcher start = CODE_START.matcher(answer);
    if (start.find()) {
      return new ExtractedCode(normalise(answer.substring(start.start())), Method.PLAIN);
    }
    return new ExtractedCode("", Method.NONE);
  }

  private static ExtractedCode fenced(String text) {
    Matcher m = FENCE.matcher(text);
    List<String[]> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(new String[] {m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2)});
    }
    if (blocks.isEmpty()) {
      return null;
    }
    String[] best = null;
    int bestScore = Integer.MIN_VALUE;
    for (String[] b : blocks) {
      boolean python = b[0].equals("python") || b[0].equals("py") || b[0].equals("python3");
      boolean scene = !SceneClassFinder.find(b[1]).isEmpty();
      int score = (scene ? 2 : 0) + (python ? 1 : 0);
      if (score > bestScore || (score == bestScore && b[1].length() > best[1].length())) {
        best = b;
        bestScore = score;
      }
    }
    boolean python = best[0].equals("python") || best[0].equals("py") || best[0].equals("python3");
    if (best[1].isBlank()) {
      return null;
    }
    return new ExtractedCode(normalise(best[1]), python ? Method.FENCED_PYTHON : Method.FENCED);
  }

  private static String normalise(String code) {
    String c = code.replace("\r\n", "\n").stripTrailing();
    return c.endsWith("\n") ? c : c + "\n";
  }
}
