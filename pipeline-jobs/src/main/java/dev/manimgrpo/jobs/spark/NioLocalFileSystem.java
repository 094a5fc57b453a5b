package dev.manimgrpo.jobs.spark;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file://}, checksums included) that sets permissions without
 * starting a process. Without Hadoop's native library, which is not shipped for this platform,
 * {@link RawLocalFileSystem} runs {@code chmod} in a child process for every file and folder it
 * creates with a permission: a rollout step's Parquet write creates a few dozen (each task's file
 * and its {@code .crc}, the committer's {@code _temporary} folders), and each fork and exec costs
 * about 5 ms of CPU on the cores the renders use. Java's POSIX file attributes set the same bits in
 * this process. Modes with setuid, setgid or sticky bits, which those attributes cannot express,
 * and non-POSIX file systems still go through Hadoop's own code.
 *
 * <p>Local Spark sessions use it ({@link SparkSessions}: {@code spark.hadoop.fs.file.impl}).
 */
public final class NioLocalFileSystem extends LocalFileSystem {

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-free) file system underneath, with the process-free {@code setPermission}. */
  static final class Raw extends RawLocalFileSystem {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      short mode = permission.toShort();
      if (!POSIX || (mode & ~0777) != 0) {
        super.setPermission(p, permission);
        return;
      }
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(mode));
    }

    /** The nine rwx bits of {@code mode} as Java's permissions, owner's first (the enum's order). */
    static Set<PosixFilePermission> posix(short mode) {
      Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
      PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
      for (int i = 0; i < all.length; i++) {
        if ((mode & (0400 >> i)) != 0) {
          out.add(all[i]);
        }
      }
      return out;
    }
  }
}
