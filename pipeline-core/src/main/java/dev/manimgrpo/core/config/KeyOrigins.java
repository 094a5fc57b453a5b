package dev.manimgrpo.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Where each configuration key was set, so that an error about a key can point at it: the
 * line of the user's file ({@code my.yaml:3: }), nothing for a {@code --conf} override (the
 * user just typed it) or a default.
 */
final class KeyOrigins {

  private Path file;
  private final Map<String, Integer> lines = new HashMap<>();
  private final Set<String> overridden = new HashSet<>();

  /** Notes the line of every key of {@code yaml} (dotted, list items as {@code [i]}). */
  void readLines(Path yaml) throws IOException {
    file = yaml;
    try (JsonParser p = new YAMLFactory().createParser(yaml.toFile())) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          lines.putIfAbsent(dotted(p.getParsingContext()), p.currentTokenLocation().getLineNr());
        }
      }
    }
  }

  /** A {@code --conf} override set this key (it wins over the file). */
  void overridden(String key) {
    overridden.add(key);
  }

  /** {@code "FILE:LINE: "} when the key (or the section holding it) came from the file, else "". */
  String where(String key) {
    if (file == null) {
      return "";
    }
    for (String k = key; !k.isEmpty(); k = parent(k)) {
      if (overridden.contains(k)) {
        return "";
      }
      Integer line = lines.get(k);
      if (line != null) {
        return file + ":" + line + ": ";
      }
    }
    return "";
  }

  /**
   * {@link #where} of the longest key of the file that the message names ("render.workers must be
   * > 0"), else of {@code fallbackKey}.
   */
  String whereMentioned(String message, String fallbackKey) {
    if (file == null || message == null) {
      return "";
    }
    String best = null;
    for (String k : lines.keySet()) {
      int at = message.indexOf(k);
      boolean whole = at >= 0 && (at + k.length() == message.length()
          || !isKeyChar(message.charAt(at + k.length())));
      if (whole && (best == null || k.length() > best.length())) {
        best = k;
      }
    }
    return where(best == null ? fallbackKey : best);
  }

  private static boolean isKeyChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-';
  }

  private static String parent(String key) {
    int cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
    return cut < 0 ? "" : key.substring(0, cut);
  }

  private static String dotted(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.addFirst("." + c.getCurrentName());
      } else if (c.inArray()) {
        parts.addFirst("[" + c.getCurrentIndex() + "]");
      }
    }
    String s = String.join("", parts);
    return s.startsWith(".") ? s.substring(1) : s;
  }
}
