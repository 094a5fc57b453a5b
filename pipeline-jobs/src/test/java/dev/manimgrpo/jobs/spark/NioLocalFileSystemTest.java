package dev.manimgrpo.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system that sets permissions in-process: the same modes as Hadoop's, and no chmod process. */
class NioLocalFileSystemTest {

  @TempDir
  Path tmp;

  @Test
  void filesAndFoldersGetTheModesHadoopsOwnLocalFileSystemGives() throws IOException {
    short[] modes = {0755, 0644, 0640, 0700, 0444, 0750, 0600};
    try (FileSystem nio = open(new NioLocalFileSystem()); FileSystem stock = open(new LocalFileSystem())) {
      for (short mode : modes) {
        FsPermission p = new FsPermission(mode);
        for (FileSystem fs : List.of(nio, stock)) {
          String name = fs.getClass().getSimpleName() + "-" + Integer.toOctalString(mode);
          org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("d-" + name).toUri());
          assertThat(fs.mkdirs(dir, p)).isTrue();
          org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(tmp.resolve("f-" + name).toUri());
          fs.create(file, p, true, 4096, (short) 1, 1 << 20, null).close();
        }
        String n = "-" + Integer.toOctalString(mode);
        assertThat(mode(tmp.resolve("d-NioLocalFileSystem" + n))).as("folder %o", mode)
            .isEqualTo(mode(tmp.resolve("d-LocalFileSystem" + n))).isEqualTo(mode);
        assertThat(mode(tmp.resolve("f-NioLocalFileSystem" + n))).as("file %o", mode)
            .isEqualTo(mode(tmp.resolve("f-LocalFileSystem" + n))).isEqualTo(mode);
      }
    }
  }

  @Test
  void aStickyBitStillReachesTheFolder() throws IOException {
    try (FileSystem nio = open(new NioLocalFileSystem())) {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("shared").toUri());
      nio.mkdirs(dir);
      nio.setPermission(dir, new FsPermission((short) 01777));

      assertThat(mode(tmp.resolve("shared"))).isEqualTo(01777);
    }
  }

  @Test
  void theNineBitsMapToJavasPermissionsOwnerFirst() {
    assertThat(NioLocalFileSystem.Raw.posix((short) 0751)).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE, java.nio.file.attribute.PosixFilePermission.GROUP_READ,
        java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
        java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
    assertThat(NioLocalFileSystem.Raw.posix((short) 0)).isEmpty();
  }

  @Test
  void aLocalSessionWritesParquetWithoutAChmodProcessWhereHadoopsDefaultStartsOnePerFile() throws IOException {
    List<String> withDefault = chmodsWhileWriting(Map.of(), "nio");
    List<String> withHadoops = chmodsWhileWriting(
        Map.of("spark.conf.spark.hadoop.fs.file.impl", LocalFileSystem.class.getName()), "stock");

    assertThat(withDefault).isEmpty();
    // The check can fail: Hadoop's own class (no native library here) forks chmod for the same write.
    assertThat(withHadoops).isNotEmpty();
  }

  /** The chmod processes this JVM started while a local session wrote and read back a 4-task Parquet folder. */
  private List<String> chmodsWhileWriting(Map<String, String> overrides, String name) throws IOException {
    Map<String, String> all = new HashMap<>(overrides);
    // a file system instance of this session's class, not one cached by an earlier test in this JVM
    all.put("spark.conf.spark.hadoop.fs.file.impl.disable.cache", "true");
    PipelineConfig config = SparkSessionsTest.config(all);
    String out = tmp.resolve(name).toString();
    Path jfr = tmp.resolve(name + ".jfr");
    try (Recording r = new Recording()) {
      r.enable("jdk.ProcessStart");
      r.start();
      long rows = SparkSessions.run(config, "nio-fs-test", spark -> {
        spark.range(0, 400, 1, 4).selectExpr("id", "id * 2 AS v").write().parquet(out);
        return spark.read().parquet(out).count();
      });
      r.stop();
      r.dump(jfr);
      assertThat(rows).isEqualTo(400);
    }
    List<String> chmods = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String command = e.getString("command");
      if (command != null && command.startsWith("chmod")) {
        chmods.add(command);
      }
    }
    return chmods;
  }

  private static FileSystem open(FileSystem fs) throws IOException {
    fs.initialize(URI.create("file:///"), new Configuration());
    return fs;
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
  }
}
