package dev.manimgrpo.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every row rule: its reason code, the field, and a message that names the file, row and what to do. */
class ManimBenchRowCheckerTest {

  static final String SRC = "file:/data/bench.parquet";
  static final String PROMPT = ManimBenchSchema.REVIEWED_DESCRIPTION;

  static String code(String scene) {
    return "from manim import *\nclass " + scene + "(Scene):\n    def construct(self):\n        self.wait(1)\n";
  }

  static RawRow row(long n, String code, String prompt) {
    Map<String, String> m = new HashMap<>();
    m.put(ManimBenchSchema.GENERATED_DESCRIPTION, "gen");
    m.put(ManimBenchSchema.REVIEWED_DESCRIPTION, prompt);
    m.put(ManimBenchSchema.CODE, code);
    m.put(ManimBenchSchema.TYPE, "Basic");
    m.put(ManimBenchSchema.SPLIT, "train");
    return RawRow.ofText(SRC, n, m);
  }

  static RawRow with(RawRow r, String column, byte[] value) {
    Map<String, byte[]> m = new HashMap<>(r.values());
    m.put(column, value);
    return new RawRow(r.source(), r.rowNumber(), m);
  }

  static Rejection only(RawRow r, int maxChars) {
    ManimBenchRowChecker.Checked c = ManimBenchRowChecker.check(List.of(r), PROMPT, maxChars);
    assertThat(c.accepted()).isEmpty();
    assertThat(c.rejected()).hasSize(1);
    return c.rejected().get(0);
  }

  @Test
  void goodRowsAreAcceptedWithTheirOrigin() {
    ManimBenchRowChecker.Checked c = ManimBenchRowChecker.check(List.of(row(0, code("A"), "a circle")), PROMPT, 100);
    assertThat(c.rejected()).isEmpty();
    assertThat(c.accepted()).singleElement().satisfies(s -> {
      assertThat(s.sampleId()).isEqualTo(ManimBenchSample.idFor(code("A")));
      assertThat(s.prompt(PROMPT)).isEqualTo("a circle");
    });
    assertThat(c.origins()).containsEntry(ManimBenchSample.idFor(code("A")), new ManimBenchRowChecker.Origin(SRC, 0));
  }

  @Test
  void anEmptyOrNullPromptIsRejectedNamingRowFieldAndWhatToDo() {
    for (String empty : new String[] {null, "", "  \n"}) {
      Rejection r = only(row(7, code("A"), empty), 100);
      assertThat(r.reason()).isEqualTo(RejectReason.EMPTY_VALUE);
      assertThat(r.field()).isEqualTo(PROMPT);
      assertThat(r.rowNumber()).isEqualTo(7);
      assertThat(r.promptId()).isEqualTo(ManimBenchSample.idFor(code("A")));
      assertThat(r.message()).startsWith(SRC + " row 7, column 'Reviewed Description' is empty")
          .contains("dataset.prompt-column").contains("(sample id " + r.promptId() + ")");
    }
  }

  @Test
  void textThatIsNotUtf8IsFoundOnTheRawBytes() {
    byte[] bad = {'a', 'b', (byte) 0xC3, '(', 'z'};
    Rejection r = only(with(row(3, code("A"), "x"), PROMPT, bad), 100);
    assertThat(r.reason()).isEqualTo(RejectReason.NOT_UTF8);
    assertThat(r.field()).isEqualTo(PROMPT);
    assertThat(r.message()).contains("row 3, column 'Reviewed Description' is not valid UTF-8 (byte 2 of 5")
        .contains("re-encode");
    assertThat(r.excerpt()).isEqualTo("ab\\xC3(z");
  }

  @Test
  void badBytesInTheCodeLeaveTheRowWithoutAnId() {
    Rejection r = only(with(row(0, code("A"), "x"), ManimBenchSchema.CODE, new byte[] {(byte) 0xFF}), 100);
    assertThat(r.reason()).isEqualTo(RejectReason.NOT_UTF8);
    assertThat(r.field()).isEqualTo(ManimBenchSchema.CODE);
    assertThat(r.promptId()).isNull();
  }

  @Test
  void aPromptOverTheLimitIsRejectedWithItsLengthAndTheKey() {
    String huge = "draw ".repeat(30);
    Rejection r = only(row(1, code("A"), huge), 100);
    assertThat(r.reason()).isEqualTo(RejectReason.PROMPT_TOO_LONG);
    assertThat(r.message()).contains("is 150 characters, over dataset.max-prompt-chars=100");
    assertThat(r.excerpt()).hasSizeLessThan(Excerpts.MAX_CHARS + 20).endsWith("... (150 chars)");
    assertThat(ManimBenchRowChecker.check(List.of(row(1, code("A"), huge)), PROMPT, 150).accepted()).hasSize(1);
  }

  @Test
  void codeTypeAndSplitRules() {
    assertThat(only(row(0, " ", "x"), 100).reason()).isEqualTo(RejectReason.EMPTY_VALUE);
    assertThat(only(row(0, "print(1)", "x"), 100).reason()).isEqualTo(RejectReason.NO_SCENE_CLASS);
    RawRow typed = with(row(0, code("A"), "x"), ManimBenchSchema.TYPE, "Expert".getBytes(StandardCharsets.UTF_8));
    assertThat(only(typed, 100).reason()).isEqualTo(RejectReason.BAD_TYPE);
    Rejection split = only(with(row(0, code("A"), "x"), ManimBenchSchema.SPLIT, "dev".getBytes(StandardCharsets.UTF_8)), 100);
    assertThat(split.reason()).isEqualTo(RejectReason.BAD_SPLIT);
    assertThat(split.split()).isEqualTo("dev");
  }

  @Test
  void everyProblemOfARowIsInOneRejectionTheFirstGivingTheReason() {
    RawRow r = with(row(4, "print(1)", ""), ManimBenchSchema.SPLIT, "dev".getBytes(StandardCharsets.UTF_8));
    Rejection x = only(r, 100);
    assertThat(x.reason()).isEqualTo(RejectReason.NO_SCENE_CLASS);
    assertThat(x.message()).contains("column 'Code' defines no Scene subclass")
        .contains("; column 'Reviewed Description' is empty").contains("; column 'Split' is 'dev'");
  }

  @Test
  void duplicateIdsKeepTheFirstRowInFileOrderWhateverTheInputOrder() {
    List<RawRow> rows = new ArrayList<>(List.of(row(5, code("A"), "later"), row(2, code("A"), "first"),
        row(3, code("B"), "other")));
    ManimBenchRowChecker.Checked c = ManimBenchRowChecker.check(rows, PROMPT, 100);
    assertThat(c.accepted()).extracting(s -> s.prompt(PROMPT)).containsExactly("first", "other");
    assertThat(c.rejected()).singleElement().satisfies(r -> {
      assertThat(r.reason()).isEqualTo(RejectReason.DUPLICATE_ID);
      assertThat(r.rowNumber()).isEqualTo(5);
      assertThat(r.message()).contains("row 5, column 'Code' is the same code as " + SRC + " row 2")
          .contains("the first in file order");
    });
  }

  @Test
  void aReferenceThatDoesNotRenderNamesItsRowStatusLineAndStderr() {
    String code = code("A").replace("self.wait(1)", "self.wait(1/0)");
    Rejection r = Rejection.referenceFailed(SRC, 9, "mb-1", code, "python_error", "ZeroDivisionError", 4,
        "division by zero", List.of("Traceback", "  File scene.py, line 4", "ZeroDivisionError: division by zero"));
    assertThat(r.reason()).isEqualTo(RejectReason.REFERENCE_FAILED);
    assertThat(r.field()).isEqualTo(ManimBenchSchema.CODE);
    assertThat(r.message()).startsWith(SRC + " row 9, column 'Code': the reference did not render (status python_error,"
        + " ZeroDivisionError at line 4): division by zero").contains("stderr tail:")
        .contains("ZeroDivisionError: division by zero").contains("(sample id mb-1)");
    assertThat(r.excerpt()).isEqualTo("line 4: " + "        self.wait(1/0)");
  }

  @Test
  void excerptsEscapeControlCharactersAndAreBounded() {
    assertThat(Excerpts.of("a\nb\t\u0001")).isEqualTo("a\\nb\\t\\u0001");
    assertThat(Excerpts.of("x".repeat(500))).startsWith("x".repeat(Excerpts.MAX_CHARS)).endsWith("... (500 chars)");
    assertThat(Excerpts.of("h\u00e9llo".getBytes(StandardCharsets.UTF_8))).isEqualTo("h\u00e9llo");
    assertThat(Excerpts.firstBadUtf8("h\u00e9llo".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(Excerpts.firstBadUtf8(new byte[] {'o', 'k', (byte) 0x80})).isEqualTo(2);
  }
}
