package dev.manimgrpo.core.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.code.ExtractedCode.Method;
import org.junit.jupiter.api.Test;

class CodeExtractorTest {

  static final String SCENE = "from manim import *\n\nclass A(Scene):\n    def construct(self):\n        self.wait(1)\n";

  @Test
  void takesAFencedPythonBlock() {
    ExtractedCode c = CodeExtractor.extract("Here you go:\n```python\n" + SCENE + "```\nEnjoy.");
    assertThat(c.method()).isEqualTo(Method.FENCED_PYTHON);
    assertThat(c.code()).isEqualTo(SCENE);
  }

  @Test
  void prefersTheBlockWithASceneAmongSeveral() {
    String answer = "First install:\n```bash\npip install manim\n```\nThen:\n```python\n" + SCENE
        + "```\nand a helper:\n```python\nx = 1\n```\n";
    assertThat(CodeExtractor.extract(answer).code()).isEqualTo(SCENE);
  }

  @Test
  void takesCodeTagsEvenWithAFenceInside() {
    assertThat(CodeExtractor.extract("<CODE>\n" + SCENE + "</CODE>").code()).isEqualTo(SCENE);
    ExtractedCode c = CodeExtractor.extract("<code>```python\n" + SCENE + "```</code>");
    assertThat(c.method()).isEqualTo(Method.CODE_TAG);
    assertThat(c.code()).isEqualTo(SCENE);
  }

  @Test
  void anUnclosedFenceRunsToTheEnd() {
    ExtractedCode c = CodeExtractor.extract("```python\n" + SCENE);
    assertThat(c.code()).isEqualTo(SCENE);
  }

  @Test
  void plainCodeStartsAtItsFirstCodeLine() {
    ExtractedCode c = CodeExtractor.extract("Sure! The scene is below.\n" + SCENE);
    assertThat(c.method()).isEqualTo(Method.PLAIN);
    assertThat(c.code()).isEqualTo(SCENE);
  }

  @Test
  void proseAloneHasNoCode() {
    ExtractedCode c = CodeExtractor.extract("I cannot help with that.");
    assertThat(c.found()).isFalse();
    assertThat(CodeExtractor.extract("").method()).isEqualTo(Method.NONE);
    assertThat(CodeExtractor.extract("```python\n```").found()).isFalse();
  }

  @Test
  void windowsLineEndingsAreNormalised() {
    assertThat(CodeExtractor.extract("```py\r\n" + SCENE.replace("\n", "\r\n") + "```").code()).isEqualTo(SCENE);
  }

  @Test
  void sceneFinderSeesSceneSubclassesOnly() {
    String code = "class Helper(VGroup):\n    pass\nclass Main(ThreeDScene):\n    pass\nclass B(manim.MovingCameraScene, Mixin):\n    pass\n";
    assertThat(SceneClassFinder.find(code)).containsExactly("Main", "B");
    assertThat(SceneClassFinder.find("x = 1")).isEmpty();
  }
}
