package dev.manimgrpo.core.dataset;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One row of a ManimBench file as stored: each column's raw bytes (null for a null value), so that
 * text which is not UTF-8 can be told apart from text that is.
 *
 * @param source the file the row is in
 * @param rowNumber the row's 0-based position in that file
 * @param values column name to bytes
 */
public record RawRow(String source, long rowNumber, Map<String, byte[]> values) {

  /** A row of already-decoded text (the bundled set, tests): its UTF-8 bytes. */
  public static RawRow ofText(String source, long rowNumber, Map<String, String> text) {
    Map<String, byte[]> m = new HashMap<>();
    text.forEach((k, v) -> m.put(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
    return new RawRow(source, rowNumber, m);
  }
}
