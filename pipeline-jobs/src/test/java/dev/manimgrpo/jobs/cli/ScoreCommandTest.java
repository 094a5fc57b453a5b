package dev.manimgrpo.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manim-grpo score}: one program against a reference, every part, as a user runs it. */
@Tag("manim")
class ScoreCommandTest {

  static final String REF = "from manim import *\n\nclass Ref(Scene):\n    def construct(self):\n"
      + "        c = Circle(color=BLUE)\n        self.play(Create(c))\n        self.play(c.animate.shift(RIGHT))\n";
  static final String NEAR = REF.replace("Ref", "Near").replace("Circle", "Square");
  static final String BROKEN = "from manim import *\n\nclass Broken(Scene):\n    def construct(self):\n"
      + "        self.play(Create(Circle(\n";

  @TempDir Path dir;

  @Test
  void scoresEveryPartAndTheSameProgramScoresHighest() throws Exception {
    Path ref = Files.writeString(dir.resolve("ref.py"), REF);
    Path near = Files.writeString(dir.resolve("near.py"), NEAR);
    Path broken = Files.writeString(dir.resolve("broken.py"), BROKEN);
    ObjectMapper json = new ObjectMapper();

    ManimGrpoCommandTest.Run same = ManimGrpoCommandTest.run("score", "--json", ref.toString(), ref.toString());
    assertThat(same.exit()).as(same.err()).isZero();
    JsonNode s = json.readTree(same.out().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(s.get("code_bleu").asDouble()).isGreaterThan(0.99);
    assertThat(s.get("vs_content").asDouble()).isGreaterThan(0.99);
    assertThat(s.get("vs_study_ssim_part").asDouble()).isGreaterThan(0.99);
    assertThat(s.get("fused_reward").asDouble()).isGreaterThan(0.99);

    ManimGrpoCommandTest.Run other = ManimGrpoCommandTest.run("score", "--json", near.toString(), ref.toString());
    JsonNode n = json.readTree(other.out().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(n.get("fused_reward").asDouble()).isLessThan(s.get("fused_reward").asDouble()).isPositive();
    assertThat(n.get("candidate_frames").asInt()).isPositive();

    ManimGrpoCommandTest.Run bad = ManimGrpoCommandTest.run("score", broken.toString(), ref.toString());
    assertThat(bad.exit()).isEqualTo(3);
    assertThat(bad.out()).contains("syntax_error").contains("candidate_error").contains("r_text");
  }
}
