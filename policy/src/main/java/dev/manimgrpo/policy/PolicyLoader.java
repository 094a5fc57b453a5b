package dev.manimgrpo.policy;

import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a policy: a checkpoint directory (local or s3a://), the newest complete checkpoint of a
 * run directory, or the starter policy bundled in this jar.
 *
 * <p>The starter policy ships as class-path resources so that every executor has it without a
 * download; it is copied once into the user's cache (keyed by its manifest's checksum) and loaded
 * from there through the same {@link CheckpointStore} code as any other checkpoint.
 */
public final class PolicyLoader {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyLoader.class);
  /** Class-path folder of the starter policy's checkpoint files. */
  public static final String STARTER_RESOURCE = "/dev/manimgrpo/policy/starter-policy/";

  private final Configuration hadoop;
  private final CheckpointStore store;

  public PolicyLoader(Configuration hadoop) {
    this.hadoop = hadoop;
    this.store = new CheckpointStore(hadoop);
  }

  /**
   * The policy {@code location} names: empty = the bundled starter; a checkpoint directory (with
   * manifest.json); or a run directory, whose newest complete checkpoint is used.
   */
  public Policy load(String location) throws IOException {
    if (location == null || location.isBlank()) {
      return starter();
    }
    URI uri = toUri(location);
    org.apache.hadoop.fs.Path manifest = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(uri),
        CheckpointStore.MANIFEST);
    if (manifest.getFileSystem(hadoop).exists(manifest)) {
      return Policy.of(store.load(uri), uri.toString());
    } else {
      URI latest = store.latest(uri).orElseThrow(() -> new IOException("no checkpoint at " + location
          + ": expected a checkpoint directory (with manifest.json) or a run directory holding step-NNNNNN checkpoints;"
          + " train one with `manim-grpo-trainer sft`, or leave policy.checkpoint empty for the bundled starter policy"));
      return Policy.of(store.load(latest), latest.toString());
    }
  }

  /** The starter policy bundled in the jar. */
  public Policy starter() throws IOException {
    Path dir = unpackStarter();
    return Policy.of(store.load(dir.toUri()), "bundled:" + dir.getFileName());
  }

  /** Whether this jar carries a starter policy. */
  public static boolean starterBundled() {
    return PolicyLoader.class.getResource(STARTER_RESOURCE + CheckpointStore.MANIFEST) != null;
  }

  /** A local path (made absolute) or a URI such as s3a://bucket/run. */
  public static URI toUri(String location) {
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return URI.create(location);
    }
    return Path.of(location).toAbsolutePath().normalize().toUri();
  }

  private static Path unpackStarter() throws IOException {
    if (!starterBundled()) {
      throw new IOException("this build has no bundled starter policy (" + STARTER_RESOURCE + " is missing);"
          + " set policy.checkpoint to a checkpoint, or rebuild the trainer module");
    }
    byte[] manifest = read(CheckpointStore.MANIFEST);
    String key = java.util.HexFormat.of().formatHex(sha256(manifest)).substring(0, 16);
    Path dir = cacheDir().resolve("starter-policy").resolve(key);
    if (Files.isRegularFile(dir.resolve(CheckpointStore.MANIFEST))) {
      return dir;
    }
    Path tmp = Files.createDirectories(dir.getParent()).resolve(key + ".tmp-" + ProcessHandle.current().pid());
    Files.createDirectories(tmp);
    for (String name : List.of(CheckpointStore.MODEL_CONFIG, CheckpointStore.TOKENIZER, CheckpointStore.WEIGHTS,
        CheckpointStore.OPTIMIZER, CheckpointStore.TRAINER_STATE)) {
      Files.write(tmp.resolve(name), read(name));
    }
    Files.write(tmp.resolve(CheckpointStore.MANIFEST), manifest);
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      // Another process unpacked it first: its copy is identical.
      deleteTree(tmp);
    }
    LOG.info("starter policy unpacked to {}", dir);
    return dir;
  }

  private static byte[] read(String name) throws IOException {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(STARTER_RESOURCE + name)) {
      if (in == null) {
        throw new IOException("bundled starter policy is missing " + name);
      }
      return in.readAllBytes();
    }
  }

  /** {@code ${XDG_CACHE_HOME:-~/.cache}/manim-grpo}. */
  static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("manim-grpo");
  }

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path p) {
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
