package dev.manimgrpo.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManimBenchValidatorTest {

  static final String CODE = "from manim import *\nclass A(Scene):\n    def construct(self):\n        self.wait(1)\n";

  static Map<String, String> row(String code, String reviewed, String type, String split) {
    Map<String, String> m = new HashMap<>();
    m.put(ManimBenchSchema.GENERATED_DESCRIPTION, "gen");
    m.put(ManimBenchSchema.REVIEWED_DESCRIPTION, reviewed);
    m.put(ManimBenchSchema.CODE, code);
    m.put(ManimBenchSchema.TYPE, type);
    m.put(ManimBenchSchema.SPLIT, split);
    return m;
  }

  @Test
  void goodRowsBecomeSamplesWithStableIds() {
    List<ManimBenchSample> s = ManimBenchValidator.validate("t", List.of(row(CODE, "a circle", "Basic", "train")),
        ManimBenchSchema.REVIEWED_DESCRIPTION);
    assertThat(s).hasSize(1);
    assertThat(s.get(0).sampleId()).isEqualTo(ManimBenchSample.idFor(CODE)).startsWith("mb-").hasSize(15);
    assertThat(s.get(0).prompt(ManimBenchSchema.REVIEWED_DESCRIPTION)).isEqualTo("a circle");
    assertThat(s.get(0).prompt(ManimBenchSchema.GENERATED_DESCRIPTION)).isEqualTo("gen");
  }

  @Test
  void everyProblemNamesItsRowAndColumn() {
    List<Map<String, String>> rows = List.of(
        row(CODE, "ok", "Basic", "train"),
        row("", "ok", "Expert", "train"),
        row("print(1)", " ", "Advanced", "validation"));
    assertThatThrownBy(() -> ManimBenchValidator.validate("bench.parquet", rows, ManimBenchSchema.REVIEWED_DESCRIPTION))
        .isInstanceOf(ManimBenchValidator.ManimBenchFormatException.class)
        .hasMessageContaining("bench.parquet has 2 bad row(s) of 3")
        .hasMessageContaining("bench.parquet row 1, column 'Code' is empty")
        .hasMessageContaining("column 'Type' is 'Expert', expected Basic, Intermediate or Advanced")
        .hasMessageContaining("bench.parquet row 2, column 'Code' defines no Scene subclass")
        .hasMessageContaining("; column 'Reviewed Description' is empty")
        .hasMessageContaining("; column 'Split' is 'validation', expected train or test");
  }

  @Test
  void missingColumnsAreListedWithThePresentOnes() {
    assertThatThrownBy(() -> ManimBenchValidator.checkColumns("x.parquet", List.of("Code", "Type", "prompt")))
        .hasMessageContaining("missing column(s) [Generated Description, Reviewed Description, Split]")
        .hasMessageContaining("[Code, Type, prompt]");
  }
}
