package dev.manimgrpo.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.code.CodeExtractor;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

  @Test
  void rendersTheWrittenDownTemplate() {
    assertThat(PromptTemplate.render("  Draw a red circle.\r\n")).isEqualTo(
        "### Task\nDraw a red circle.\n\n### Manim code (Python, one Scene class)\n```python\n");
    assertThat(PromptTemplate.completion("from manim import *\n\nclass A(Scene):\n    pass\n"))
        .isEqualTo("from manim import *\n\nclass A(Scene):\n    pass\n```");
    assertThat(PromptTemplate.stopSequences()).containsExactly("\n```");
    assertThat(PromptTemplate.VERSION).isEqualTo("manim-code-v1");
  }

  @Test
  void normalisesLineEndingsAndSurroundingBlankLines() {
    String crlf = "\r\n\r\nfrom manim import *\r\nclass A(Scene):\r    pass   \r\n\r\n";
    assertThat(PromptTemplate.normalizeCode(crlf)).isEqualTo("from manim import *\nclass A(Scene):\n    pass\n");
    assertThat(PromptTemplate.completion(crlf)).isEqualTo("from manim import *\nclass A(Scene):\n    pass\n```");
    assertThat(PromptTemplate.render("a\rb")).contains("a\nb");
    assertThat(PromptTemplate.normalizeCode("   \n\n")).isEmpty();
    assertThat(PromptTemplate.normalizeCode(null)).isEmpty();
  }

  @Test
  void extractCodeInvertsCompletionForEverySample() {
    for (ManimBenchSample s : BundledSampleSet.load()) {
      String completion = PromptTemplate.completion(s.code());
      assertThat(completion).endsWith(PromptTemplate.STOP);
      assertThat(PromptTemplate.stopIndex(completion)).isEqualTo(completion.length() - PromptTemplate.STOP.length());
      assertThat(PromptTemplate.extractCode(completion)).isEqualTo(PromptTemplate.normalizeCode(s.code()));
      // The whole conversation, read by the project's generic extractor, yields the same program.
      String conversation = PromptTemplate.render(s.reviewedDescription()) + completion;
      assertThat(CodeExtractor.extract(conversation).code()).isEqualTo(PromptTemplate.normalizeCode(s.code()));
    }
  }

  @Test
  void generatedTextIsCutAtTheFirstStopSequence() {
    assertThat(PromptTemplate.extractCode("x = 1\n```\nExplanation: ...\n```")).isEqualTo("x = 1\n");
    assertThat(PromptTemplate.extractCode("x = 1\r\n```")).isEqualTo("x = 1\n");
    assertThat(PromptTemplate.extractCode("x = 1\ny = 2")).as("no stop: truncated generation").isEqualTo("x = 1\ny = 2\n");
    assertThat(PromptTemplate.extractCode("```\nx = 1")).as("closes the block at once").isEmpty();
    assertThat(PromptTemplate.extractCode("")).isEmpty();
    assertThat(PromptTemplate.stopIndex("abc")).isEqualTo(-1);
    assertThat(PromptTemplate.stopIndex("```")).isZero();
  }

  @Test
  void refusesInputsThatCannotBeTrainingExamples() {
    assertThatThrownBy(() -> PromptTemplate.render(" \n")).hasMessageContaining("blank");
    assertThatThrownBy(() -> PromptTemplate.completion("\n\n")).hasMessageContaining("blank");
    assertThatThrownBy(() -> PromptTemplate.completion("s = '''\n```\n'''\n")).hasMessageContaining("stop sequence");
    assertThatThrownBy(() -> PromptTemplate.completion("```python\nx = 1\n")).hasMessageContaining("stop sequence");
  }
}
