package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host reads sandbox outputs only as bounded regular files under the scratch folder. */
class ScratchFilesTest {

  @TempDir Path scratch;
  @TempDir Path host;

  @Test
  void readsARegularFileUnderTheRoot() throws IOException {
    Files.createDirectories(scratch.resolve("r/media"));
    Files.writeString(scratch.resolve("r/media/out.mp4"), "video");
    assertThat(ScratchFiles.read(scratch, "r/media/out.mp4", 100)).isEqualTo("video".getBytes());
  }

  @Test
  void refusesALinkToAHostFileAtTheEndOrOnTheWay() throws IOException {
    Path secret = Files.writeString(host.resolve("credentials"), "aws_secret_access_key=xyz");
    Files.createDirectories(scratch.resolve("r"));
    Files.createSymbolicLink(scratch.resolve("r/out.mp4"), secret);
    assertThatThrownBy(() -> ScratchFiles.read(scratch, "r/out.mp4", 1 << 20)).isInstanceOf(IOException.class)
        .hasMessageContaining("link");
    Files.createSymbolicLink(scratch.resolve("media"), host);
    assertThatThrownBy(() -> ScratchFiles.read(scratch, "media/credentials", 1 << 20)).isInstanceOf(IOException.class)
        .hasMessageContaining("link");
    Files.createSymbolicLink(scratch.resolve("zero.mp4"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> ScratchFiles.read(scratch, "zero.mp4", 1 << 20)).isInstanceOf(IOException.class);
  }

  @Test
  void refusesAFifoWithoutBlocking() throws Exception {
    Path fifo = scratch.resolve("out.mp4");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mk.waitFor()).isZero();
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThatThrownBy(() -> ScratchFiles.read(scratch, "out.mp4", 1 << 20)).isInstanceOf(IOException.class)
            .hasMessageContaining("not a regular file"));
  }

  @Test
  void refusesOversizedFilesAndPathsThatLeaveTheRoot() throws IOException {
    Files.write(scratch.resolve("big.mp4"), new byte[1000]);
    assertThatThrownBy(() -> ScratchFiles.read(scratch, "big.mp4", 999)).hasMessageContaining("over the limit");
    assertThatThrownBy(() -> ScratchFiles.read(scratch, "../x", 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScratchFiles.read(scratch, "/etc/passwd", 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScratchFiles.read(scratch, "a/../../x", 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
