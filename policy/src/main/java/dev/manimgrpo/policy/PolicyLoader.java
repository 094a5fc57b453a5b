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
  /**
   * The location that names the bundled Hugging Face starter (a Qwen2 model folder): accepted
   * wherever a Hugging Face model folder is ({@code policy.checkpoint}, {@code sft --base-model},
   * {@code export-gguf --checkpoint}, ...).
   */
  public static final String BUNDLED_HF = dev.manimgrpo.core.config.PolicyConfig.BUNDLED_HF;
  /** The location that names the project's own bundled starter (a checkpoint of its own transformer). */
  public static final String BUNDLED_OWN = dev.manimgrpo.core.config.PolicyConfig.BUNDLED_OWN;
  /** Class-path folder of the Hugging Face starter's files. */
  public static final String HF_STARTER_RESOURCE = "/dev/manimgrpo/policy/starter-hf/";
  /** The files of the Hugging Face starter; config.json last, as a folder with one is complete. */
  static final List<String> HF_STARTER_FILES = List.of("model.safetensors", "tokenizer.json",
      "tokenizer_config.json", "config.json");

  /** Where each bundled resource folder was unpacked in this JVM. */
  private static final java.util.Map<String, Path> UNPACKED = new java.util.HashMap<>();

  private final Configuration hadoop;
  private final CheckpointStore store;

  public PolicyLoader(Configuration hadoop) {
    this.hadoop = hadoop;
    this.store = new CheckpointStore(hadoop);
  }

  /**
   * The project's own policy {@code location} names: {@value #BUNDLED_OWN} (or empty) = its bundled
   * starter; a checkpoint directory (with manifest.json); or a run directory, whose newest complete
   * checkpoint is used. Hugging Face locations ({@value #BUNDLED_HF}, model and adapter folders) are
   * {@link HfPolicyClient}'s.
   */
  public Policy load(String location) throws IOException {
    if (location == null || location.isBlank() || BUNDLED_OWN.equals(location)) {
      return starter();
    }
    if (BUNDLED_HF.equals(location)) {
      throw new IOException(BUNDLED_HF + " is a Hugging Face model, not a checkpoint of the project's own policy;"
          + " load it with HfPolicyClient, or name " + BUNDLED_OWN + " for the own starter");
    }
    URI uri = toUri(location);
    org.apache.hadoop.fs.Path manifest = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(uri),
        CheckpointStore.MANIFEST);
    if (manifest.getFileSystem(hadoop).exists(manifest)) {
      return Policy.of(store.load(uri), uri.toString());
    } else {
      URI latest = store.latest(uri).orElseThrow(() -> new IOException("no checkpoint at " + location
          + ": expected a checkpoint directory (with manifest.json) or a run directory holding step-NNNNNN checkpoints;"
          + " train one with `manim-grpo-trainer sft`, or name " + BUNDLED_OWN + " for the own bundled starter policy"));
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

  /**
   * A local path (made absolute) or a URI such as s3a://bucket/run; {@value #BUNDLED_HF} and
   * {@value #BUNDLED_OWN} are the bundled starters, unpacked into the user's cache on first use.
   */
  public static URI toUri(String location) {
    if (BUNDLED_HF.equals(location) || BUNDLED_OWN.equals(location)) {
      try {
        return (BUNDLED_HF.equals(location) ? hfStarter() : unpackStarter()).toUri();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot unpack the bundled starter " + location + ": " + e.getMessage(), e);
      }
    }
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
    return unpack(STARTER_RESOURCE, List.of(CheckpointStore.MODEL_CONFIG, CheckpointStore.TOKENIZER,
        CheckpointStore.WEIGHTS, CheckpointStore.OPTIMIZER, CheckpointStore.TRAINER_STATE, CheckpointStore.MANIFEST),
        "starter-policy");
  }

  /** The bundled Hugging Face starter's folder in the user's cache (unpacked on first use). */
  public static Path hfStarter() throws IOException {
    if (PolicyLoader.class.getResource(HF_STARTER_RESOURCE + "config.json") == null) {
      throw new IOException("this build has no bundled Hugging Face starter (" + HF_STARTER_RESOURCE + " is missing);"
          + " name a Hugging Face model folder instead, or rebuild the policy module");
    }
    return unpack(HF_STARTER_RESOURCE, HF_STARTER_FILES, "starter-hf");
  }

  /**
   * The model folder a policy location names: the location itself (a Hugging Face model or adapter
   * folder, {@value #BUNDLED_HF}, {@value #BUNDLED_OWN}), or for a trainer run folder its newest checkpoint.
   */
  public static dev.manimgrpo.policy.hf.HadoopModelFolder modelFolder(String location, Configuration hadoop)
      throws IOException {
    URI uri = toUri(location);
    return new dev.manimgrpo.policy.hf.HadoopModelFolder(new CheckpointStore(hadoop).latest(uri).orElse(uri), hadoop);
  }

  /**
   * The Hugging Face policy {@code location} names (a model or adapter folder, a run folder of one,
   * {@value #BUNDLED_HF}), loaded to sample; the bundled starter's policy id names it and its digest
   * rather than this host's cache folder.
   */
  public static HfPolicyClient hfClient(String location, Configuration hadoop) throws IOException {
    dev.manimgrpo.policy.hf.ModelFolder folder = modelFolder(location, hadoop);
    return HfPolicyClient.load(folder, BUNDLED_HF.equals(location) ? BUNDLED_HF + ":" + hfStarter().getFileName()
        : folder.location());
  }

  /**
   * The base model an adapter in {@code adapterFolder} names. An adapter trained over the bundled
   * Hugging Face starter names the folder it was unpacked to on the training host
   * ({@code .../starter-hf/<digest>}); where that path does not exist (another host, another home
   * folder) and the digest is this build's, it is this host's copy. {@value #BUNDLED_HF} names it too.
   */
  public static dev.manimgrpo.policy.hf.ModelFolder adapterBase(dev.manimgrpo.policy.hf.ModelFolder adapterFolder,
      String baseModel) throws IOException {
    if (BUNDLED_HF.equals(baseModel)) {
      return dev.manimgrpo.policy.hf.ModelFolder.local(hfStarter());
    }
    dev.manimgrpo.policy.hf.ModelFolder named = adapterFolder.at(baseModel);
    if (!named.exists("config.json")) {
      String[] parts = baseModel.replace('\\', '/').split("/");
      if (parts.length >= 2 && "starter-hf".equals(parts[parts.length - 2])) {
        Path here = hfStarter();
        if (here.getFileName().toString().equals(parts[parts.length - 1])) {
          return dev.manimgrpo.policy.hf.ModelFolder.local(here);
        }
      }
    }
    return named;
  }

  /**
   * Copies class-path files into {@code <cache>/<cacheName>/<key>}, the key a digest of their bytes,
   * so a rebuilt jar never reads a stale copy; the last file is written last. Concurrent processes
   * each write a temporary folder and the first rename wins.
   */
  private static synchronized Path unpack(String resource, List<String> files, String cacheName) throws IOException {
    Path known = UNPACKED.get(resource);
    if (known != null && Files.isRegularFile(known.resolve(files.get(files.size() - 1)))) {
      return known; // the class path does not change while the JVM runs: no need to read and digest it again
    }
    java.security.MessageDigest digest = sha256();
    List<byte[]> contents = new java.util.ArrayList<>();
    for (String name : files) {
      byte[] b = read(resource, name);
      digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      digest.update(b);
      contents.add(b);
    }
    String key = java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    Path dir = dev.manimgrpo.core.config.CacheConfig.userCacheDir().resolve(cacheName).resolve(key);
    if (Files.isRegularFile(dir.resolve(files.get(files.size() - 1)))) {
      UNPACKED.put(resource, dir);
      return dir;
    }
    Path tmp = Files.createDirectories(dir.getParent()).resolve(key + ".tmp-" + ProcessHandle.current().pid());
    Files.createDirectories(tmp);
    for (int k = 0; k < files.size(); k++) {
      Files.write(tmp.resolve(files.get(k)), contents.get(k));
    }
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      // Another process unpacked it first: its copy is identical.
      deleteTree(tmp);
    }
    LOG.info("{} unpacked to {}", cacheName, dir);
    UNPACKED.put(resource, dir);
    return dir;
  }

  private static byte[] read(String resource, String name) throws IOException {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(resource + name)) {
      if (in == null) {
        throw new IOException("bundled " + resource + " is missing " + name);
      }
      return in.readAllBytes();
    }
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
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
