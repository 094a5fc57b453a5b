package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PythonParserTest {

  private final PythonParser parser = new PythonParser();

  @Test
  void parsesAssignmentIntoNamedAndAnonymousNodes() {
    SyntaxTree t = parser.parse("x = 1\n");
    assertThat(t.hasError()).isFalse();
    assertThat(t.sexp(0)).isEqualTo("(module (expression_statement (assignment left: (identifier) right: (integer))))");
    // module, expression_statement, assignment, identifier, "=", integer
    assertThat(t.size()).isEqualTo(6);
    assertThat(t.type(4)).isEqualTo("=");
    assertThat(t.isNamed(4)).isFalse();
    assertThat(t.text(3)).isEqualTo("x");
    assertThat(t.fieldName(3)).isEqualTo("left");
    assertThat(t.childByFieldName(2, "right")).isEqualTo(5);
    assertThat(t.text(5)).isEqualTo("1");
  }

  @Test
  void flagsErrorAndMissingNodes() {
    SyntaxTree error = parser.parse("print(1");
    assertThat(error.sexp(0)).isEqualTo("(module (ERROR (integer)))");
    assertThat(error.hasError()).isTrue();
    SyntaxTree missing = parser.parse("def f(:\n    pass\n");
    assertThat(missing.sexp(0)).contains("(MISSING \")\")").doesNotContain("ERROR");
    assertThat(missing.hasError()).isTrue();
    assertThat(parser.hasSyntaxError(ManimScenes.BROKEN)).isTrue();
    for (String ok : List.of(ManimScenes.SQUARE_TO_CIRCLE, ManimScenes.PYTHAGORAS, ManimScenes.VECTOR_ADDITION,
        ManimScenes.CIRCLE_AREA, ManimScenes.UNRELATED, "", "   \n")) {
      assertThat(parser.hasSyntaxError(ok)).as(ok).isFalse();
    }
  }

  @Test
  void positionsAreUtf8ByteOffsetsAndTextIsExact() {
    SyntaxTree t = parser.parse("s = \"é🎉\"\nt = s");
    int string = t.childByFieldName(2, "right");
    assertThat(t.type(string)).isEqualTo("string");
    assertThat(t.text(string)).isEqualTo("\"é🎉\"");
    assertThat(t.endByte(string) - t.startByte(string)).isEqualTo(1 + 2 + 4 + 1);
  }

  /** Our S-expressions must be tree-sitter's own ({@code ts_node_string}), node by node, also for broken code. */
  @Test
  void sexpMatchesTreeSittersOwnForEveryNode() {
    List<String> inputs = new ArrayList<>(ManimScenes.all());
    inputs.add("x = (1, 2\ny = [3,\n");
    inputs.add("def f(a, b=2, *args, c: int = 3, **kw):\n    return [x for x in a if x] or {k: v for k, v in kw.items()}\n");
    inputs.add("class A:\n    @property\n    def p(self): return self._p  # c\n");
    inputs.add("x = a + \\\n    b\n");
    for (String src : inputs) {
      SyntaxTree t = parser.parse(src);
      List<String> expected = parser.nativeSexps(src);
      assertThat(t.size()).isEqualTo(expected.size());
      for (int i = 0; i < t.size(); i++) {
        assertThat(t.sexp(i)).as("node %d of %s", i, src).isEqualTo(expected.get(i));
      }
    }
  }

  @Test
  void innerNodePositionsSpanTheirChildren() {
    SyntaxTree t = parser.parse(ManimScenes.PYTHAGORAS);
    for (int i = 1; i < t.size(); i++) {
      assertThat(t.startByte(i)).isGreaterThanOrEqualTo(t.startByte(t.parent(i)));
      assertThat(t.endByte(i)).isLessThanOrEqualTo(t.endByte(t.parent(i)));
    }
    // a string is one token: its text is the whole literal
    SyntaxTree s = parser.parse("title = Text(\"Pythagorean theorem\")");
    boolean found = false;
    for (int i = 0; i < s.size(); i++) {
      if ("string".equals(s.type(i))) {
        assertThat(s.text(i)).isEqualTo("\"Pythagorean theorem\"");
        found = true;
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void oneParserPerThreadGivesTheSameTrees() throws Exception {
    String expected = parser.parse(ManimScenes.PYTHAGORAS).sexp(0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        results.add(pool.submit(() -> PythonParser.forCurrentThread().parse(ManimScenes.PYTHAGORAS).sexp(0)));
      }
      for (Future<String> f : results) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
