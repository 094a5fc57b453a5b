package dev.manimgrpo.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PythonPreTokenizerTest {

  @Test
  void splitsPythonIntoIndentWordsNumbersAndSymbols() {
    String code = "class A(Scene):\n    def construct(self):\n        c = Circle(radius=1.5)\n\n        self.play(Create(c))\n";
    assertThat(PythonPreTokenizer.split(code)).containsExactly(
        "class", " A", "(", "Scene", "):", "\n    ", "def", " construct", "(", "self", "):",
        "\n        ", "c", " =", " Circle", "(", "radius", "=", "1.5", ")",
        "\n\n        ", "self", ".", "play", "(", "Create", "(", "c", "))", "\n");
  }

  @Test
  void extraSpacesStayTogetherAndTheLastOneJoinsTheNextWord() {
    assertThat(PythonPreTokenizer.split("x    = 1  \n")).containsExactly("x", "   ", " =", " 1", "  ", "\n");
    assertThat(PythonPreTokenizer.split("\t\tfoo")).containsExactly("\t\t", "foo");
    assertThat(PythonPreTokenizer.split("a\r\n\tb")).containsExactly("a", "\r\n\t", "b");
  }

  @Test
  void numbersKeepOneDecimalPart() {
    assertThat(PythonPreTokenizer.split("0.25 1..2 x.y 3e5")).containsExactly("0.25", " 1", "..", "2", " x", ".", "y", " 3", "e5");
  }

  @Test
  void unicodeWordsAndSurrogatePairsStayWhole() {
    assertThat(PythonPreTokenizer.split("naïve 中文 🎬🎬!")).containsExactly("naïve", " 中文", " 🎬🎬!");
  }

  @Test
  void piecesAreBoundedAndConcatenateBackToTheInput() {
    Random rnd = new Random(99);
    String alphabet = "  \n\n\r\t_aZ09.,()[]=+-'\"#é中\uD83C\uDFAC\uD800";
    for (int iter = 0; iter < 2_000; iter++) {
      StringBuilder sb = new StringBuilder();
      int len = rnd.nextInt(400);
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      List<String> pieces = PythonPreTokenizer.split(s);
      assertThat(String.join("", pieces)).isEqualTo(s);
      int offset = 0;
      for (String p : pieces) {
        assertThat(p).isNotEmpty();
        assertThat(p.length()).isLessThanOrEqualTo(PythonPreTokenizer.MAX_PIECE_CHARS);
        boolean splitsPair = offset > 0 && Character.isHighSurrogate(s.charAt(offset - 1)) && Character.isLowSurrogate(s.charAt(offset));
        assertThat(splitsPair).as("piece boundary inside a surrogate pair at " + offset).isFalse();
        offset += p.length();
      }
    }
    assertThat(PythonPreTokenizer.split(" ".repeat(1000))).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(128));
  }
}
