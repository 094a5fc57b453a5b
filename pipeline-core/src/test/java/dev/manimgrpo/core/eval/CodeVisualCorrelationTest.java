package dev.manimgrpo.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodeVisualCorrelationTest {

  @Test
  void onePooledRowPerStageAndStrategyOverSamplesWithAProgram() {
    List<CodeVisualCorrelation> rows = CodeVisualCorrelation.compute(EvalAggregatesTest.table());
    assertThat(rows).extracting(r -> r.stage() + "/" + r.strategy())
        .containsExactly("base/direct", "base/ritl", "sft/ritl_doc");
    CodeVisualCorrelation direct = rows.get(0);
    // p/base/direct a, b, c have CodeBLEU (0.5, 0.3, 0.7) and VS (0.7, 0, 0.5); q/base/direct has none
    assertThat(direct.n()).isEqualTo(3);
    assertThat(direct.pearson()).isCloseTo(
        Correlation.pearson(new double[] {0.5, 0.3, 0.7}, new double[] {0.7, 0, 0.5}), within(1e-12));
    assertThat(direct.spearman()).isCloseTo(0.5, within(1e-12));
    assertThat(rows.get(2).n()).isZero();
    assertThat(rows.get(2).pearson()).isNaN();
  }
}
