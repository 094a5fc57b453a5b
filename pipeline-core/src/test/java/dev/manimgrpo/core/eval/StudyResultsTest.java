package dev.manimgrpo.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StudyResultsTest {

  @Test
  void theBundledTableHoldsThePublishedFigures() {
    List<StudyResult> all = StudyResults.bundled();
    assertThat(all).hasSize(17);
    assertThat(all.get(0)).isEqualTo(new StudyResult("Qwen 3 Coder 30B", "sft_grpo", "ritl_doc", 3, 0.94, 0.857,
        "ManimTrainer/ManimAgent (arXiv 2604.18364)"));
    assertThat(all).contains(
        new StudyResult("GPT-4.1", "base", "ritl_doc", 3, 0.92, 0.819, "ManimTrainer/ManimAgent (arXiv 2604.18364)"),
        new StudyResult("SeedCoder 8B", "sft_grpo", "direct", 1, 0.72, 0.648,
            "ManimTrainer/ManimAgent (arXiv 2604.18364)"),
        new StudyResult("DeepSeek Coder 1.3B", "sft", "direct", 1, 0.22, null, "authors' earlier SFT study"));
    assertThat(all).filteredOn(r -> r.source().equals("authors' earlier SFT study")).hasSize(14)
        .allSatisfy(r -> assertThat(r.vs()).isNull());
  }

  @Test
  void badLinesNameTheirLineAndProblem() {
    assertThatThrownBy(() -> StudyResults.parse(List.of(StudyResults.HEADER, "m,base,direct,1,1.4,,src")))
        .hasMessageContaining("line 2").hasMessageContaining("rsr must lie in [0, 1], got 1.4");
    assertThatThrownBy(() -> StudyResults.parse(List.of(StudyResults.HEADER, "m,base,direct")))
        .hasMessageContaining("expected 7 cells, got 3");
    assertThatThrownBy(() -> StudyResults.parse(List.of("model,rsr"))).hasMessageContaining("header must be");
  }
}
