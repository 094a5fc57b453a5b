package dev.manimgrpo.jobs.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplePageTest {

  @Test
  void numbersTheProgramAndMarksTheErrorLine() {
    assertThat(SamplePage.numberedCode("a\nb<c\n", 2)).isEqualTo("1  a\n<mark>2  b&lt;c</mark>\n");
    assertThat(SamplePage.numberedCode("x\n".repeat(10), null)).startsWith(" 1  x\n").endsWith("10  x\n");
    assertThat(SamplePage.numberedCode("", null)).contains("no program");
  }
}
