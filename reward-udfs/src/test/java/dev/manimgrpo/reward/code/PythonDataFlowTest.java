package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PythonDataFlowTest {

  private final PythonParser parser = new PythonParser();

  private List<PythonDataFlow.NormalizedFlow> flows(String code) {
    return PythonDataFlow.normalizedFlows(parser.parse(code));
  }

  private static PythonDataFlow.NormalizedFlow nf(String var, String rel, String... parents) {
    return new PythonDataFlow.NormalizedFlow(var, rel, List.of(parents));
  }

  @Test
  void edgeSetByHand() {
    // tokens: x(0) =(1) 1(2) y(3) =(4) x(5)
    // x@0 computedFrom [1@2]; 1@2 comesFrom []; y@3 computedFrom [x@5]; x@5 comesFrom [x@0]
    List<PythonDataFlow.Flow> raw = PythonDataFlow.extract(parser.parse("x = 1\ny = x"));
    assertThat(raw).containsExactly(
        new PythonDataFlow.Flow("x", 0, "computedFrom", List.of("1"), List.of(2)),
        new PythonDataFlow.Flow("1", 2, "comesFrom", List.of(), List.of()),
        new PythonDataFlow.Flow("y", 3, "computedFrom", List.of("x"), List.of(5)),
        new PythonDataFlow.Flow("x", 5, "comesFrom", List.of("x"), List.of(0)));
    // normalised in order of first appearance, parents first: "1" -> var_0, x -> var_1, y -> var_2
    assertThat(PythonDataFlow.normalize(raw)).containsExactly(
        nf("var_1", "computedFrom", "var_0"), nf("var_0", "comesFrom"), nf("var_2", "computedFrom", "var_1"),
        nf("var_1", "comesFrom", "var_1"));
  }

  @Test
  void consistentRenamingGivesTheSameNormalisedGraph() {
    assertThat(flows("a = 1\nb = a")).isEqualTo(flows("x = 1\ny = x"));
    assertThat(flows(ManimScenes.SQUARE_TO_CIRCLE_RENAMED)).isEqualTo(flows(ManimScenes.SQUARE_TO_CIRCLE));
    assertThat(flows(ManimScenes.SQUARE_TO_CIRCLE)).hasSize(17);
  }

  @Test
  void branchesMergeLiveDefinitions() {
    // x is defined in both branches; the read in y = x comes from both (token indices 6 and 11)
    String code = "x = 1\nif c:\n    x = 2\nelse:\n    x = 3\ny = x";
    List<PythonDataFlow.Flow> raw = PythonDataFlow.extract(parser.parse(code));
    PythonDataFlow.Flow last = raw.get(raw.size() - 1);
    assertThat(last).isEqualTo(new PythonDataFlow.Flow("x", 16, "comesFrom", List.of("x"), List.of(6, 11)));
    assertThat(raw).hasSize(8); // c is read but neither has nor is a parent: dropped
  }

  @Test
  void loopsCarryDefinitionsAround() {
    // in the second walk of the body, the read of total in print(total) also sees the += definition
    List<PythonDataFlow.Flow> raw = PythonDataFlow.extract(parser.parse(
        "total = 0\nfor i in range(3):\n    print(total)\n    total += i"));
    PythonDataFlow.Flow read = raw.stream().filter(f -> f.var().equals("total") && f.relation().equals("comesFrom"))
        .findFirst().orElseThrow();
    assertThat(read.parentIdx()).hasSize(2);
  }

  @Test
  void codeWithoutAssignmentsHasNoDataFlow() {
    assertThat(flows("return a + b")).isEmpty();
    assertThat(flows("print(1)")).isEmpty();
    assertThat(flows("")).isEmpty();
  }

  @Test
  void brokenCodeStillGivesAGraphOrNothingButNeverThrows() {
    assertThat(flows(ManimScenes.BROKEN)).isNotNull();
    StringBuilder deep = new StringBuilder("x = ");
    for (int i = 0; i < 1200; i++) {
      deep.append('(');
    }
    deep.append('1');
    for (int i = 0; i < 1200; i++) {
      deep.append(')');
    }
    // deeper than Python's recursion limit: the original gives up with an empty graph
    assertThat(flows(deep.toString())).isEmpty();
  }
}
