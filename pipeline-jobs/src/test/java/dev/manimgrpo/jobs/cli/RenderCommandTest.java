package dev.manimgrpo.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manim-grpo render}: real renders through the sandboxed pool, as a user runs it. */
@Tag("manim")
class RenderCommandTest {

  static final String GOOD = "from manim import *\n\nclass Ring(Scene):\n    def construct(self):\n"
      + "        self.play(Create(Circle()))\n";
  static final String BAD = "from manim import *\n\nclass Broken(Scene):\n    def construct(self):\n"
      + "        self.add(Circle())\n        self.play(Transform(Circle()))\n";

  @TempDir Path dir;

  static ManimGrpoCommandTest.Run run(String... args) {
    return ManimGrpoCommandTest.run(args);
  }

  @Test
  void printsATableWithWhyEachFileFailedAndKeepsVideos() throws Exception {
    Path good = Files.writeString(dir.resolve("good.py"), GOOD);
    Path bad = Files.writeString(dir.resolve("bad.py"), BAD);
    Path out = dir.resolve("videos");
    ManimGrpoCommandTest.Run r = run("render", good.toString(), bad.toString(), "--out", out.toString(), "--conf", "render.timeout-seconds=60");
    assertThat(r.exit()).as(r.err()).isEqualTo(RenderCommand.EXIT_NOT_RENDERED);
    assertThat(r.out()).contains("limits:").contains("rendered").contains("runtime_error").contains("Broken")
        .contains("1 of 2 rendered").contains("  | ").contains("kept");
    assertThat(r.out().lines().filter(l -> l.startsWith(bad.toString())).findFirst().orElseThrow()).contains(" 6 ");
    assertThat(out.resolve("01-good.mp4")).isRegularFile();
    assertThat(Files.size(out.resolve("01-good.mp4"))).isGreaterThan(1000);
  }

  @Test
  void jsonLinesOnePerFile() throws Exception {
    Path good = Files.writeString(dir.resolve("ring.py"), "Here is the code:\n```python\n" + GOOD + "```\n");
    ManimGrpoCommandTest.Run r = run("render", "--json", "--extract", good.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode row = new ObjectMapper().readTree(lines.get(0));
    assertThat(row.get("status").asText()).isEqualTo("rendered");
    assertThat(row.get("scene").asText()).isEqualTo("Ring");
    assertThat(row.get("frames").asInt()).isEqualTo(5);
    assertThat(row.get("stderr_tail").isArray()).isTrue();
    assertThat(r.err()).contains("limits:");
  }

  @Test
  void badInputIsRefusedWithTheFileNamed() throws Exception {
    ManimGrpoCommandTest.Run missing = run("render", dir.resolve("nope.py").toString());
    assertThat(missing.exit()).isEqualTo(ManimGrpoCommand.EXIT_INVALID_INPUT);
    assertThat(missing.err()).contains("nope.py");
    Path latin1 = Files.write(dir.resolve("latin1.py"), new byte[] {'#', ' ', (byte) 0xe9, '\n'});
    ManimGrpoCommandTest.Run notUtf8 = run("render", latin1.toString());
    assertThat(notUtf8.exit()).isEqualTo(ManimGrpoCommand.EXIT_INVALID_INPUT);
    assertThat(notUtf8.err()).contains("latin1.py").contains("UTF-8");
  }
}
