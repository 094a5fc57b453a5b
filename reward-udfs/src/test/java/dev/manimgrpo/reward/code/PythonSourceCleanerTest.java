package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonSourceCleanerTest {

  private static String clean(String s) {
    return PythonSourceCleaner.removeCommentsAndDocstrings(s);
  }

  @Test
  void removesCommentsDocstringsAndBlankLines() {
    String src = "class A(Scene):\n    \"\"\"Doc\n    string.\"\"\"\n\n    def construct(self):  # entry\n"
        + "        # a comment line\n        t = Text('kept')\n";
    assertThat(clean(src)).isEqualTo(
        "class A(Scene):\n    def construct(self):         \n        t = Text('kept')");
  }

  @Test
  void followsTheTokenRuleNotTheMeaning() {
    // after NEWLINE at the same indentation: removed, even though it is an expression
    assertThat(clean("x = 1\n\"abc\".upper()\n")).isEqualTo("x = 1\n.upper()");
    // after a blank line the previous token is NL, not NEWLINE: kept (column > 0 needed, so indent it)
    assertThat(clean("def f():\n    x = 1\n\n    \"kept\"\n")).isEqualTo("def f():\n    x = 1\n    \"kept\"");
    // after DEDENT at column > 0: kept; column 0: removed
    assertThat(clean("if a:\n    if b:\n        pass\n    \"kept\"\n\"gone\"\n"))
        .isEqualTo("if a:\n    if b:\n        pass\n    \"kept\"");
    // prefixed and f-strings are strings too; a string argument on its own line inside brackets is kept
    assertThat(clean("def f():\n    r'''raw doc'''\n    g(\n        f\"{x}\",\n    )\n"))
        .isEqualTo("def f():\n    g(\n        f\"{x}\",\n    )");
  }

  @Test
  void joinsBackslashContinuationsLikeTheTokenizerRebuild() {
    assertThat(clean("x = a + \\\n    b\n").split("\n")).hasSize(1);
    assertThat(clean("x = a + \\\n    b\n").trim().split("\\s+")).containsExactly("x", "=", "a", "+", "b");
  }

  @Test
  void leavesSourceUnchangedWhenTheTokenizerWouldFail() {
    String unclosed = "x = foo(1,\n# comment\n";
    assertThat(clean(unclosed)).isEqualTo(unclosed);
    String badDedent = "if a:\n        x = 1\n    y = 2  # c\n";
    assertThat(clean(badDedent)).isEqualTo(badDedent);
    String unterminated = "s = 'abc\n# c\n";
    assertThat(clean(unterminated)).isEqualTo(unterminated);
    assertThat(clean("")).isEmpty();
  }

  /** Dropping the removed nodes from the tree must give the tree a re-parse of the cleaned text gives. */
  @Test
  void treeRemovalEqualsReparsingTheCleanedText() {
    PythonParser parser = new PythonParser();
    List<String> inputs = new ArrayList<>(ManimScenes.all());
    inputs.add("\"\"\"Module doc.\"\"\"\nimport os  # c\n\nclass A:\n    '''doc'''\n    x = 1\n");
    inputs.add("def f(a):\n    # only a comment before\n    \"\"\"doc\"\"\"\n    return a + \\\n        1\n");
    int viaTree = 0;
    for (String src : inputs) {
      String stripped = PythonText.strip(src);
      PythonSourceCleaner.Analysis a = PythonSourceCleaner.analyze(stripped);
      SyntaxTree reparsed = parser.parse(PythonSourceCleaner.apply(stripped, a));
      SyntaxTree removed = ParsedProgram.removeInTree(parser.parse(stripped), a);
      if (removed != null) {
        viaTree++;
        assertThat(removed.sexp(0)).as(src).isEqualTo(reparsed.sexp(0));
        assertThat(PythonDataFlow.normalizedFlows(removed)).as(src).isEqualTo(PythonDataFlow.normalizedFlows(reparsed));
      }
      assertThat(ParsedProgram.of(src, parser).cleanTree().sexp(0)).as(src).isEqualTo(reparsed.sexp(0));
    }
    assertThat(viaTree).isGreaterThanOrEqualTo(inputs.size() - 1); // all but the broken scene
  }

  @Test
  void docstringAsOnlyStatementFallsBackToReparseLikeTheOriginal() {
    PythonParser parser = new PythonParser();
    String src = "class Empty:\n    \"\"\"Only a docstring.\"\"\"\n";
    ParsedProgram p = ParsedProgram.of(src, parser);
    assertThat(p.syntaxError()).isFalse();
    // the original parses "class Empty:", which tree-sitter accepts with an empty block at the end of input
    assertThat(p.cleanTree().sexp(0)).isEqualTo("(module (class_definition name: (identifier) body: (block)))");
    String inner = "class A:\n    '''doc'''\nx = 1\n";
    assertThat(ParsedProgram.removeInTree(parser.parse(PythonText.strip(inner)),
        PythonSourceCleaner.analyze(PythonText.strip(inner)))).isNull();
    assertThat(ParsedProgram.of(inner, parser).cleanTree().sexp(0))
        .isEqualTo(parser.parse("class A:\nx = 1").sexp(0));
  }
}
