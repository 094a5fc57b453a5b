package dev.manimgrpo.core.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing folders left by renders. */
final class FileTrees {

  private FileTrees() {}

  /** Deletes {@code root} and everything under it; a missing folder is fine. */
  static void delete(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Like {@link #delete} but never throws: for clean-up on the way out. */
  static void deleteQuietly(Path root) {
    try {
      delete(root);
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }
}
