package dev.manimgrpo.policy.hf.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** An export folder on the local file system: temp file in the folder, then an atomic rename. */
final class LocalExportFolder implements ExportFolder {

  private final Path directory;

  LocalExportFolder(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public void deleteIfExists(String fileName) throws IOException {
    Files.deleteIfExists(directory.resolve(fileName));
  }

  @Override
  public void write(String fileName, Content content) throws IOException {
    Files.createDirectories(directory);
    Path target = directory.resolve(fileName);
    Path tmp = Files.createTempFile(directory, "." + fileName, ".partial");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        content.writeTo(out);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
