package dev.manimgrpo.policy.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An implementation of Llama / Qwen2 / Qwen3 independent of ours, for tests of the Hugging Face
 * checkpoint loader: tiny random checkpoints written by Debian's {@code transformers} and what it
 * computes with them ({@code oracle.json}). {@code scripts/hf-oracle/tiny_models.py} writes them,
 * run with bwrap inside the root that {@code cluster-conf/provision/hf-oracle.sh} builds (run by
 * {@code scripts/setup.sh}). Tests using it carry the tag {@code hf}; a missing root fails them with
 * the command that builds it (they never skip silently).
 *
 * <p>The folder is written once per script, scenes and root, and kept in
 * {@code ~/.cache/manim-grpo/hf-oracle-models/<hash>/}; later runs reuse it. Its layout is in
 * {@code scripts/hf-oracle/README.md}.
 */
public final class HfOracle {

  /** The model folders, each a complete checkpoint with an {@code oracle.json}. */
  public static final List<String> MODELS = List.of("llama", "llama-bf16", "qwen2", "qwen2-sharded", "qwen3");

  static final String MARKER = TransformersRoot.MARKER;
  static final String PROVISION_SCRIPT = TransformersRoot.PROVISION_SCRIPT;
  static final String SCRIPT = "scripts/hf-oracle/tiny_models.py";
  static final String SCENES = "pipeline-core/src/main/resources/manimbench-sample/scenes";
  private static final int SCRIPT_LIMIT_MINUTES = 5;

  private static Path models;

  private HfOracle() {}

  /** The folder of tiny checkpoints and their oracles, written on the first call in this JVM or earlier. */
  public static synchronized Path tinyModels() {
    if (models == null) {
      try {
        models = writeOrReuse();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing the tiny Hugging Face models", e);
      }
    }
    return models;
  }

  /** The root the provisioning script builds: $MANIM_GRPO_HF_ORACLE, else the cache default. */
  static Path rootLocation() {
    return TransformersRoot.location();
  }

  /** The provisioned root; an error naming the provisioning script when it is not there. */
  static Path root() {
    if ("skip".equals(System.getenv("MANIM_GRPO_HF_ORACLE"))) {
      throw new AssertionError("MANIM_GRPO_HF_ORACLE=skip: no Hugging Face oracle root was provisioned; leave the"
          + " tests that need it out with -Dtest.excludedGroups=hf, or unset it and run bash " + PROVISION_SCRIPT);
    }
    Path root = rootLocation();
    if (!Files.isRegularFile(root.resolve(MARKER))) {
      throw new AssertionError("no Hugging Face oracle root at " + root + " (no " + MARKER + "): run "
          + "bash " + PROVISION_SCRIPT + " once (needs root or sudo, debootstrap and a Debian mirror; about 4 minutes, "
          + "1.6 GB), or leave these tests out with -Dtest.excludedGroups=hf");
    }
    return root;
  }

  private static Path writeOrReuse() throws IOException, InterruptedException {
    Path root = root();
    Path repo = repository();
    Path script = repo.resolve(SCRIPT);
    Path scenes = repo.resolve(SCENES);
    Path target = cacheHome().resolve("manim-grpo/hf-oracle-models").resolve(cacheKey(script, scenes, root));
    Files.createDirectories(target.getParent());
    deleteAbandoned(target.getParent());
    if (Files.isRegularFile(target.resolve("manifest.json"))) {
      return target;
    }
    Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
    Path log = Files.createTempFile("hf-oracle", ".log");
    try {
      List<String> cmd = command(root, script, scenes, partial);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = p.waitFor(SCRIPT_LIMIT_MINUTES, TimeUnit.MINUTES);
      if (!finished) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      if (!finished || p.exitValue() != 0 || !Files.isRegularFile(partial.resolve("manifest.json"))) {
        String why = finished ? "exit " + p.exitValue() : "still running after " + SCRIPT_LIMIT_MINUTES + " minutes";
        throw new AssertionError(SCRIPT + " failed in " + root + " (" + why + "; " + String.join(" ", cmd) + "):\n"
            + tail(log, 25));
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException raced) {
        // Another JVM wrote the same folder first: the same inputs, so the same content.
        if (!Files.isRegularFile(target.resolve("manifest.json"))) {
          throw raced;
        }
      }
      return target;
    } finally {
      delete(partial);
      Files.deleteIfExists(log);
    }
  }

  /** python3 running a script of scripts/hf-oracle in the root, offline: {@code in} read-only at /in, {@code out} at /out. */
  private static List<String> command(Path root, Path script, Path in, Path out) {
    return TransformersRoot.python(root, script.getParent(), script.getFileName().toString(), in, out, 1);
  }

  /**
   * Runs {@code scripts/hf-oracle/<scriptName>} with transformers on files a test wrote: {@code in}
   * read-only at /in, {@code out} writable at /out (the script gets "/out /in"); fails with the
   * script's output when it does not exit 0 within the time limit.
   */
  public static void run(String scriptName, Path in, Path out) throws IOException, InterruptedException {
    Path root = root();
    Path script = repository().resolve(SCRIPT).resolveSibling(scriptName);
    List<String> cmd = command(root, script, in.toAbsolutePath(), out.toAbsolutePath());
    Path log = Files.createTempFile("hf-oracle", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = p.waitFor(SCRIPT_LIMIT_MINUTES, TimeUnit.MINUTES);
      if (!finished) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      if (!finished || p.exitValue() != 0) {
        throw new AssertionError(scriptName + " failed in " + root + " (" + (finished ? "exit " + p.exitValue()
            : "still running after " + SCRIPT_LIMIT_MINUTES + " minutes") + "):\n" + tail(log, 40));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /**
   * Removes partial folders that a JVM killed while the script ran left behind: older than twice
   * the script's time limit, so no live run's folder is touched.
   */
  private static void deleteAbandoned(Path parent) throws IOException {
    Instant before = Instant.now().minus(Duration.ofMinutes(2 * SCRIPT_LIMIT_MINUTES));
    try (Stream<Path> s = Files.list(parent)) {
      for (Path p : s.filter(p -> p.getFileName().toString().contains(".partial-")).toList()) {
        try {
          if (Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
            delete(p);
          }
        } catch (IOException alsoCleaning) {
          // another JVM removed it first
        }
      }
    }
  }

  /**
   * What the folder depends on: the script, the scenes the tokenizer learns from and the root's
   * marker (its torch and transformers versions, its build time), so a rebuilt root or an edited
   * script gets a folder of its own.
   */
  static String cacheKey(Path script, Path scenes, Path root) throws IOException {
    MessageDigest sha = sha256();
    sha.update(Files.readAllBytes(script));
    try (Stream<Path> s = Files.list(scenes)) {
      for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".py")).sorted().toList()) {
        sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(f));
      }
    }
    sha.update(Files.readAllBytes(root.resolve(MARKER)));
    return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path repository() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(SCRIPT)) && Files.isDirectory(d.resolve(SCENES))) {
        return d;
      }
    }
    throw new AssertionError(SCRIPT + " and " + SCENES + " were not found above " + Path.of("").toAbsolutePath()
        + "; run the tests from the repository");
  }

  private static Path cacheHome() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    return xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
