package dev.manimgrpo.core.dataset;

import dev.manimgrpo.core.code.SceneClassFinder;
import dev.manimgrpo.core.dataset.ManimBenchSample.Difficulty;
import dev.manimgrpo.core.dataset.ManimBenchSample.Split;
import dev.manimgrpo.core.dataset.Rejection.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The row rules of a ManimBench file, as pure code: each row becomes a sample or a {@link Rejection}
 * with a reason code and a message that names the row (file, 0-based row number, id) and the field,
 * and says what to do. Rules, in order: every column is valid UTF-8 (checked on the raw bytes); the
 * code is not empty and defines a Scene subclass; the prompt column is not empty and at most
 * {@code maxPromptChars} long; Type and Split are known values. Then duplicate ids (the same code
 * twice): the first row in (file path, row number) order is kept, the others are rejected.
 */
public final class ManimBenchRowChecker {

  private ManimBenchRowChecker() {}

  /** Where an accepted sample came from, for messages about it later (its reference failing to render). */
  public record Origin(String source, long rowNumber) implements java.io.Serializable {}

  /**
   * The outcome of checking a file.
   *
   * @param accepted the samples that may run, in (source, row number) order
   * @param rejected the rows that may not, in the same order, one each
   * @param origins each accepted sample's file and row, by sample id
   */
  public record Checked(List<ManimBenchSample> accepted, List<Rejection> rejected, Map<String, Origin> origins) {}

  /**
   * Checks {@code rows}.
   *
   * @param promptColumn the column used as the prompt
   * @param maxPromptChars the longest prompt accepted, in characters
   */
  public static Checked check(List<RawRow> rows, String promptColumn, int maxPromptChars) {
    List<RawRow> ordered = new ArrayList<>(rows);
    ordered.sort(Comparator.comparing(RawRow::source).thenComparingLong(RawRow::rowNumber));
    List<ManimBenchSample> accepted = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    Map<String, Origin> origins = new LinkedHashMap<>();
    Map<String, RawRow> firstById = new HashMap<>();
    for (RawRow row : ordered) {
      List<Problem> problems = new ArrayList<>();
      Map<String, String> text = new HashMap<>();
      for (String column : ManimBenchSchema.COLUMNS) {
        byte[] b = row.values().get(column);
        if (b == null) {
          text.put(column, null);
          continue;
        }
        int bad = Excerpts.firstBadUtf8(b);
        if (bad >= 0) {
          problems.add(new Problem(column, RejectReason.NOT_UTF8, "is not valid UTF-8 (byte " + bad + " of "
              + b.length + " starts no UTF-8 character); re-encode the file's text columns as UTF-8",
              Excerpts.of(b)));
          text.put(column, null);
        } else {
          text.put(column, new String(b, StandardCharsets.UTF_8));
        }
      }
      String code = text.get(ManimBenchSchema.CODE);
      boolean codeReadable = row.values().get(ManimBenchSchema.CODE) == null || code != null;
      if (codeReadable && (code == null || code.isBlank())) {
        problems.add(new Problem(ManimBenchSchema.CODE, RejectReason.EMPTY_VALUE,
            "is empty; every sample needs its reference Manim code", Excerpts.of(code)));
      } else if (code != null && SceneClassFinder.find(code).isEmpty()) {
        problems.add(new Problem(ManimBenchSchema.CODE, RejectReason.NO_SCENE_CLASS,
            "defines no Scene subclass (class X(Scene): ...); the reference must be renderable", Excerpts.of(code)));
      }
      String prompt = text.get(promptColumn);
      boolean promptReadable = row.values().get(promptColumn) == null || prompt != null;
      if (promptReadable && (prompt == null || prompt.isBlank())) {
        problems.add(new Problem(promptColumn, RejectReason.EMPTY_VALUE, "is empty but is the prompt column; fill it"
            + " or choose the other description with dataset.prompt-column", Excerpts.of(prompt)));
      } else if (prompt != null && prompt.length() > maxPromptChars) {
        problems.add(new Problem(promptColumn, RejectReason.PROMPT_TOO_LONG, "is " + prompt.length()
            + " characters, over dataset.max-prompt-chars=" + maxPromptChars + "; shorten it, or raise the limit if"
            + " such prompts are meant", Excerpts.of(prompt)));
      }
      String typeText = text.get(ManimBenchSchema.TYPE);
      Difficulty type = Difficulty.parse(typeText);
      if (type == null) {
        problems.add(new Problem(ManimBenchSchema.TYPE, RejectReason.BAD_TYPE, "is '" + typeText
            + "', expected Basic, Intermediate or Advanced", Excerpts.of(typeText)));
      }
      String splitText = text.get(ManimBenchSchema.SPLIT);
      Split split = Split.parse(splitText);
      if (split == null) {
        problems.add(new Problem(ManimBenchSchema.SPLIT, RejectReason.BAD_SPLIT, "is '" + splitText
            + "', expected train or test", Excerpts.of(splitText)));
      }
      String id = code == null || code.isBlank() ? null : ManimBenchSample.idFor(code);
      if (problems.isEmpty()) {
        RawRow kept = firstById.putIfAbsent(id, row);
        if (kept != null) {
          problems.add(new Problem(ManimBenchSchema.CODE, RejectReason.DUPLICATE_ID, "is the same code as "
              + Rejection.where(kept.source(), kept.rowNumber(), null) + " (sample ids come from the code), which is"
              + " kept (the first in file order); remove the duplicate or change one of them", Excerpts.of(code)));
        }
      }
      if (problems.isEmpty()) {
        accepted.add(new ManimBenchSample(id, text.get(ManimBenchSchema.GENERATED_DESCRIPTION),
            text.get(ManimBenchSchema.REVIEWED_DESCRIPTION), code, type, split));
        origins.put(id, new Origin(row.source(), row.rowNumber()));
      } else {
        rejected.add(Rejection.of(row, id, problems, splitText, typeText));
      }
    }
    return new Checked(accepted, rejected, origins);
  }
}
