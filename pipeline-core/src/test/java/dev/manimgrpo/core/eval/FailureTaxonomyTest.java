package dev.manimgrpo.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureTaxonomyTest {

  @Test
  void failuresAreCountedByStrategyThenExceptionOrStatus() {
    Map<String, Map<String, Integer>> counts = FailureTaxonomy.countByStrategy(EvalAggregatesTest.table());
    assertThat(counts.keySet()).containsExactly("direct", "ritl");
    assertThat(counts.get("direct")).containsExactly(Map.entry("NameError", 1), Map.entry("no_code", 1),
        Map.entry("syntax_error", 1));
    assertThat(counts.get("ritl")).containsExactly(Map.entry("AttributeError", 1));
  }

  @Test
  void labelPrefersTheExceptionType() {
    assertThat(FailureTaxonomy.label(EvalSampleBuilder.sample("p", "s", "ritl", "x").rounds("runtime_error")
        .error("NameError").build())).isEqualTo("NameError");
    assertThat(FailureTaxonomy.label(EvalSampleBuilder.sample("p", "s", "ritl", "x").rounds("timeout").build()))
        .isEqualTo("timeout");
    assertThat(FailureTaxonomy.countByStrategy(List.of())).isEmpty();
  }
}
