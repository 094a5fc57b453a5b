package dev.manimgrpo.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PreflightCommandTest {

  @TempDir Path dir;

  @Test
  void aNodeWithoutTheRuntimeFailsWithWhatToDo() {
    Result r = run("preflight", "--conf", "runtime.root=" + dir.resolve("none"),
        "--conf", "preflight.manim-version=0.21.0");

    assertThat(r.exit()).isEqualTo(ManimGrpoCommand.EXIT_FAILURE);
    assertThat(r.out()).contains("runtime.mode=sandbox-root")
        .containsPattern("runtime +failed +no provisioned Manim runtime at " + dir.resolve("none"))
        .contains("what to do:").contains("runtime (failed): run `bash cluster-conf/provision/manim-runtime.sh`")
        .contains("1 check failed");
  }

  @Test
  void aMissingBubblewrapIsNamedWithItsPackage() {
    Result r = run("preflight", "--conf", "runtime.bwrap=" + dir.resolve("bwrap"));

    assertThat(r.exit()).isEqualTo(ManimGrpoCommand.EXIT_FAILURE);
    assertThat(r.out()).contains("bubblewrap (failed): apt-get install bubblewrap");
  }

  @Test
  @Tag("manim")
  void thisBuildMachineIsReady() {
    Result r = run("preflight");

    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("manim version", "sandbox namespaces", "policy natives (nd4j)").contains("ready");
  }

  private record Result(int exit, String out) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = ManimGrpoCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    return new Result(cl.execute(args), out.toString());
  }
}
