package dev.manimgrpo.core.agent.docs;

import dev.manimgrpo.core.agent.ApiDoc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk home of one manim version's API index: {@code <cache>/api-index/<version>-<hash>/} with the
 * Lucene index in {@code lucene/} and the entries in {@code entries.json} ({@link ApiDump}'s form).
 *
 * <p>Why built aside and renamed: many JVMs (executors, evaluation jobs) share one cache folder and may
 * find the index missing at the same moment. Each builds into its own {@code .tmp-} folder and renames it
 * into place; rename is atomic, so a reader sees either nothing or a whole index, and the loser of a race
 * drops its copy and uses the winner's. A folder that is there but incomplete (copied by hand, cut by a
 * full disk) is moved aside and rebuilt; {@code .tmp-} folders left by a killed JVM are removed once an
 * hour old. The hash in the folder name covers {@link ApiIndexSchema#FORMAT}, the Lucene version and the
 * exact manim version string, so none of them is served an index made for another.
 */
final class ApiIndexFolder {

  static final String ROOT = "api-index";
  static final String ENTRIES = "entries.json";
  static final String LUCENE = "lucene";
  static final String TEMP_PREFIX = ".tmp-";
  /** A temporary folder older than this belongs to a build that died: builds take about a second. */
  static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(ApiIndexFolder.class);

  private ApiIndexFolder() {}

  /** Where the index of {@code manimVersion} lives under {@code cacheDir}. */
  static Path of(Path cacheDir, String manimVersion) {
    return cacheDir.resolve(ROOT).resolve(sanitise(manimVersion) + "-" + shortHash(manimVersion));
  }

  /** The folder of {@code manimVersion}'s index, built from {@code dump} first if it is not there. */
  static Path ensure(Path cacheDir, String manimVersion, Supplier<List<ApiDoc>> dump) throws IOException {
    Path dir = of(cacheDir, manimVersion);
    if (isComplete(dir)) {
      return dir;
    }
    Path root = dir.getParent();
    Files.createDirectories(root);
    removeStaleTemps(root);
    if (Files.exists(dir)) {
      Path aside = Files.createTempDirectory(root, TEMP_PREFIX + "broken-");
      LOG.warn("the API index folder {} is incomplete; moving it to {} and rebuilding", dir, aside);
      moveQuietly(dir, aside.resolve("index"));
    }
    List<ApiDoc> entries = dump.get();
    if (entries == null || entries.isEmpty()) {
      throw new IllegalStateException("the manim " + manimVersion + " API dump has no entries: check the render"
          + " worker's API listing before building an index from it");
    }
    Path tmp = Files.createTempDirectory(root, TEMP_PREFIX);
    try {
      new ApiDump(manimVersion, entries).write(tmp.resolve(ENTRIES));
      try (Directory d = FSDirectory.open(tmp.resolve(LUCENE))) {
        ApiIndexSchema.write(d, entries);
      }
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        if (!isComplete(dir)) {
          throw e;
        }
        // another JVM published the same index first: use that one
      }
    } finally {
      deleteQuietly(tmp);
    }
    return dir;
  }

  /** Whether {@code dir} holds both parts of an index; false for a missing folder. */
  static boolean isComplete(Path dir) {
    if (!Files.isRegularFile(dir.resolve(ENTRIES)) || !Files.isDirectory(dir.resolve(LUCENE))) {
      return false;
    }
    try (Directory d = FSDirectory.open(dir.resolve(LUCENE))) {
      return DirectoryReader.indexExists(d);
    } catch (IOException e) {
      return false;
    }
  }

  /** The version as a folder name: letters, digits, dot, dash and underscore; never starting with a dot. */
  static String sanitise(String manimVersion) {
    String s = manimVersion == null ? "" : manimVersion.strip().replaceAll("[^A-Za-z0-9._-]", "_");
    s = s.replaceFirst("^\\.+", "");
    if (s.length() > 64) {
      s = s.substring(0, 64);
    }
    return s.isEmpty() ? "unknown" : s;
  }

  /** The first 10 hex digits of SHA-256 over the index format, the Lucene version and the manim version. */
  static String shortHash(String manimVersion) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] h = sha.digest((ApiIndexSchema.FORMAT + "\n" + Version.LATEST + "\n" + manimVersion)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must ship it
    }
  }

  private static void removeStaleTemps(Path root) {
    Instant cutoff = Instant.now().minus(STALE_TEMP_AGE);
    try (Stream<Path> children = Files.list(root)) {
      for (Path p : children.toList()) {
        if (p.getFileName().toString().startsWith(TEMP_PREFIX) && olderThan(p, cutoff)) {
          deleteQuietly(p);
        }
      }
    } catch (IOException e) {
      LOG.debug("could not list {} for stale temporary folders: {}", root, e.getMessage());
    }
  }

  private static boolean olderThan(Path p, Instant cutoff) {
    try {
      FileTime t = Files.getLastModifiedTime(p);
      return t.toInstant().isBefore(cutoff);
    } catch (IOException e) {
      return false; // gone already, or another JVM's
    }
  }

  private static void moveQuietly(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.debug("could not move {} aside: {}", from, e.getMessage()); // someone else moved or replaced it
    }
  }

  static void deleteQuietly(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not delete {}: {}", root, e.getMessage()); // best effort
    }
  }
}
