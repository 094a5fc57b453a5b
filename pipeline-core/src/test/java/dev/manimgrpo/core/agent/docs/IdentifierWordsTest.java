package dev.manimgrpo.core.agent.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifierWordsTest {

  @Test
  void splitsCamelCaseSnakeCaseAndAcronyms() {
    assertThat(IdentifierWords.split("ThreeDAxes")).containsExactly("three", "d", "axes");
    assertThat(IdentifierWords.split("set_fill")).containsExactly("set", "fill");
    assertThat(IdentifierWords.split("SVGMobject")).containsExactly("svg", "mobject");
    assertThat(IdentifierWords.split("FadeInFromLeft")).containsExactly("fade", "in", "from", "left");
    assertThat(IdentifierWords.split("get_3d_vmob_unit_normal")).containsExactly("get", "3d", "vmob", "unit", "normal");
    assertThat(IdentifierWords.split("BLUE_A")).containsExactly("blue", "a");
    assertThat(IdentifierWords.split("__")).isEmpty();
  }

  @Test
  void normaliseIgnoresCaseAndUnderscores() {
    assertThat(IdentifierWords.normalise("set_color")).isEqualTo(IdentifierWords.normalise("setColor")).isEqualTo("setcolor");
  }

  @Test
  void wordsOfTextKeepsEachIdentifierAndAddsItsParts() {
    assertThat(IdentifierWords.wordsOfText("see :class:`~.ParametricFunction` in LaTeX, a 3D plot"))
        .isEqualTo("see :class:`~.ParametricFunction parametric function` in LaTeX la te x, a 3D plot");
  }
}
