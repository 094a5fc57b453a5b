package dev.manimgrpo.policy.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads checkpoint folders {@code <run>/step-000123/} through the Hadoop file system
 * API, so local paths, {@code file://} and {@code s3a://} all work:
 *
 * <pre>
 * manifest.json       format version, step, time, data, metrics, every other file's size and SHA-256
 * model-config.json   the caller's JSON
 * tokenizer.json      the caller's bytes
 * weights.bin         named tensors, see {@link NamedTensorFormat}
 * optimizer.bin       named tensors
 * trainer-state.json  the caller's JSON (RNG seeds, data cursor, ...)
 * </pre>
 *
 * Where a directory rename is atomic (local disk, HDFS) a checkpoint is written to a hidden
 * sibling and renamed into place. On object stores (s3a) rename is a copy, so files are written
 * in place with the manifest last. Either way a folder without a valid manifest is incomplete
 * and {@link #latest} passes over it, so a crashed run resumes from the newest complete step.
 */
public final class CheckpointStore {

  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

  /** Version of the folder layout and file formats this class writes; loads refuse newer ones. */
  public static final int FORMAT_VERSION = 1;
  public static final String MANIFEST = "manifest.json";
  public static final String MODEL_CONFIG = "model-config.json";
  public static final String TOKENIZER = "tokenizer.json";
  public static final String WEIGHTS = "weights.bin";
  public static final String OPTIMIZER = "optimizer.bin";
  public static final String TRAINER_STATE = "trainer-state.json";
  /** Every file a checkpoint has besides the manifest. */
  public static final List<String> FILES = List.of(MODEL_CONFIG, TOKENIZER, WEIGHTS, OPTIMIZER, TRAINER_STATE);

  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
  /** File systems whose directory rename is atomic. */
  private static final Set<String> ATOMIC_RENAME = Set.of("file", "hdfs", "viewfs");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Configuration conf;

  /** A store with Hadoop's default configuration (local files; s3a from core-site.xml if present). */
  public CheckpointStore() {
    this(new Configuration());
  }

  /** A store using {@code conf} for the file systems (e.g. s3a endpoint and credentials). */
  public CheckpointStore(Configuration conf) {
    this.conf = conf;
  }

  /** {@code step-000123}: zero-padded so folder listings sort by step up to a million steps. */
  public static String dirName(int step) {
    return String.format("step-%06d", step);
  }

  /**
   * Saves a checkpoint under {@code runRoot} as {@link #dirName}(step).
   *
   * @return the checkpoint folder
   * @throws IllegalStateException when a complete checkpoint of that step is already there
   */
  public URI save(URI runRoot, Checkpoint c) throws IOException {
    return save(runRoot, c, Map.of());
  }

  /**
   * Saves a checkpoint with more files in its folder (e.g. a PEFT adapter or Hugging Face weights,
   * so that the folder is also what other tools load). They are written before the manifest and
   * listed in it with their sizes and digests, so a folder missing one is incomplete.
   */
  public URI save(URI runRoot, Checkpoint c, Map<String, Writer> extraFiles) throws IOException {
    for (String name : extraFiles.keySet()) {
      if (FILES.contains(name) || name.equals(MANIFEST) || name.contains("/")) {
        throw new IllegalArgumentException("extra checkpoint file '" + name + "' clashes with the checkpoint's own files");
      }
    }
    Path root = new Path(runRoot);
    FileSystem fs = fileSystem(root);
    Path target = new Path(root, dirName(c.step()));
    if (fs.exists(target)) {
      String incomplete = incompleteReason(fs, target);
      if (incomplete == null) {
        throw new IllegalStateException("checkpoint " + target + " already exists and is complete; delete it to "
            + "save step " + c.step() + " again, or write this run to a new run folder");
      }
      log.warn("replacing incomplete checkpoint {} ({})", target, incomplete);
      fs.delete(target, true);
    }
    boolean atomic = ATOMIC_RENAME.contains(fs.getUri().getScheme());
    Path dir = atomic ? new Path(root, "." + dirName(c.step()) + ".tmp-" + UUID.randomUUID()) : target;
    try {
      if (!fs.mkdirs(dir)) {
        throw new IOException("cannot create checkpoint folder " + dir);
      }
      List<CheckpointManifest.FileEntry> files = new ArrayList<>();
      files.add(write(fs, dir, MODEL_CONFIG, out -> JSON.writeValue(out, c.modelConfig())));
      files.add(write(fs, dir, TOKENIZER, out -> out.write(c.tokenizer())));
      files.add(write(fs, dir, WEIGHTS, out -> NamedTensorFormat.write(c.weights(), out)));
      files.add(write(fs, dir, OPTIMIZER, out -> NamedTensorFormat.write(c.optimizerState(), out)));
      files.add(write(fs, dir, TRAINER_STATE, out -> JSON.writeValue(out, c.trainerState())));
      for (Map.Entry<String, Writer> e : extraFiles.entrySet()) {
        files.add(write(fs, dir, e.getKey(), e.getValue()));
      }
      CheckpointManifest m = new CheckpointManifest(FORMAT_VERSION, c.step(), c.createdAt().toString(), c.data(),
          c.metrics(), files);
      // the manifest last: its presence is what makes the folder a complete checkpoint
      write(fs, dir, MANIFEST, out -> JSON.writeValue(out, m));
      if (atomic && !fs.rename(dir, target)) {
        throw new IOException("cannot rename " + dir + " to " + target + " (did another process save step " + c.step() + "?)");
      }
    } catch (IOException | RuntimeException e) {
      if (atomic) {
        deleteQuietly(fs, dir);
      }
      throw e;
    }
    log.info("saved checkpoint {}", target);
    return target.toUri();
  }

  /**
   * Loads a checkpoint folder, verifying every file's size and SHA-256 against the manifest.
   *
   * @throws CheckpointCorruptException when the folder is incomplete, a file is damaged, or the format is newer
   */
  public Checkpoint load(URI checkpointDir) throws IOException {
    Path dir = new Path(checkpointDir);
    FileSystem fs = fileSystem(dir);
    CheckpointManifest m = readManifest(fs, dir);
    JsonNode modelConfig = JSON.readTree(readVerified(fs, dir, m, MODEL_CONFIG));
    byte[] tokenizer = readVerified(fs, dir, m, TOKENIZER);
    Map<String, INDArray> weights = readTensors(fs, dir, m, WEIGHTS);
    Map<String, INDArray> optimizer = readTensors(fs, dir, m, OPTIMIZER);
    JsonNode trainerState = JSON.readTree(readVerified(fs, dir, m, TRAINER_STATE));
    return new Checkpoint(m.step(), Instant.parse(m.createdAt()), m.data(), m.metrics(), modelConfig, tokenizer,
        weights, optimizer, trainerState);
  }

  /** The manifest of a checkpoint folder, without reading the other files. */
  public CheckpointManifest readManifest(URI checkpointDir) throws IOException {
    Path dir = new Path(checkpointDir);
    return readManifest(fileSystem(dir), dir);
  }

  /**
   * The newest complete checkpoint folder ({@code step-N} with a valid manifest and every file at
   * its recorded size) under a run folder; incomplete ones are logged and skipped.
   */
  public Optional<URI> latest(URI runRoot) throws IOException {
    Path root = new Path(runRoot);
    FileSystem fs = fileSystem(root);
    if (!fs.exists(root)) {
      return Optional.empty();
    }
    List<FileStatus> steps = new ArrayList<>();
    for (FileStatus s : fs.listStatus(root)) {
      if (s.isDirectory() && STEP_DIR.matcher(s.getPath().getName()).matches()) {
        steps.add(s);
      }
    }
    steps.sort(Comparator.comparingLong((FileStatus s) -> stepOf(s.getPath())).reversed());
    for (FileStatus s : steps) {
      String reason = incompleteReason(fs, s.getPath());
      if (reason == null) {
        return Optional.of(s.getPath().toUri());
      }
      log.warn("skipping incomplete checkpoint {}: {}", s.getPath(), reason);
    }
    return Optional.empty();
  }

  /** Loads {@link #latest}, if there is one. */
  public Optional<Checkpoint> loadLatest(URI runRoot) throws IOException {
    Optional<URI> dir = latest(runRoot);
    return dir.isPresent() ? Optional.of(load(dir.get())) : Optional.empty();
  }

  private FileSystem fileSystem(Path p) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    // SHA-256 in the manifest covers integrity; Hadoop's .crc side files would only duplicate it
    // (and fail first, with a less helpful error, on a damaged file)
    return fs instanceof ChecksumFileSystem cfs ? cfs.getRawFileSystem() : fs;
  }

  private static long stepOf(Path p) {
    Matcher m = STEP_DIR.matcher(p.getName());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Why the folder is not a usable checkpoint, or null when it is (checksums are left to load). */
  private static String incompleteReason(FileSystem fs, Path dir) {
    try {
      CheckpointManifest m = readManifest(fs, dir);
      if (stepOf(dir) >= 0 && stepOf(dir) != m.step()) {
        return "its manifest says step " + m.step();
      }
      for (CheckpointManifest.FileEntry f : m.files()) {
        Path p = new Path(dir, f.name());
        if (!fs.exists(p)) {
          return f.name() + " is missing";
        }
        long len = fs.getFileStatus(p).getLen();
        if (len != f.size()) {
          return f.name() + " has " + len + " bytes, the manifest recorded " + f.size();
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return e.getMessage();
    }
  }

  private static CheckpointManifest readManifest(FileSystem fs, Path dir) throws IOException {
    Path p = new Path(dir, MANIFEST);
    CheckpointManifest m;
    try (InputStream in = fs.open(p)) {
      m = JSON.readValue(in, CheckpointManifest.class);
    } catch (FileNotFoundException e) {
      throw new CheckpointCorruptException("checkpoint " + dir + " has no " + MANIFEST + ": it is incomplete (its save "
          + "did not finish). Use CheckpointStore.latest(runRoot) to find the newest complete checkpoint.");
    } catch (IOException e) {
      throw new CheckpointCorruptException("checkpoint " + dir + " has an unreadable " + MANIFEST + " (" + e.getMessage()
          + "); treat the checkpoint as incomplete and resume from an earlier one", e);
    }
    if (m.formatVersion() > FORMAT_VERSION || m.formatVersion() < 1) {
      throw new CheckpointCorruptException("checkpoint " + dir + " has format version " + m.formatVersion()
          + "; this trainer reads version " + FORMAT_VERSION + ". Load it with the trainer version that wrote it.");
    }
    for (String name : FILES) {
      if (m.file(name).isEmpty()) {
        throw new CheckpointCorruptException("checkpoint " + dir + ": " + MANIFEST + " does not list " + name
            + "; the manifest was not written by CheckpointStore");
      }
    }
    return m;
  }

  private static byte[] readVerified(FileSystem fs, Path dir, CheckpointManifest m, String name) throws IOException {
    CheckpointManifest.FileEntry e = expectedSize(fs, dir, m, name);
    MessageDigest sha = sha256();
    byte[] bytes;
    try (InputStream in = new DigestInputStream(fs.open(new Path(dir, name)), sha)) {
      bytes = in.readAllBytes();
    }
    checkDigest(dir, e, sha);
    return bytes;
  }

  private static Map<String, INDArray> readTensors(FileSystem fs, Path dir, CheckpointManifest m, String name) throws IOException {
    CheckpointManifest.FileEntry e = expectedSize(fs, dir, m, name);
    MessageDigest sha = sha256();
    try (InputStream in = new DigestInputStream(new BufferedInputStream(fs.open(new Path(dir, name)), 1 << 20), sha)) {
      Map<String, INDArray> tensors;
      try {
        tensors = NamedTensorFormat.read(in, e.size());
      } catch (IOException | RuntimeException parse) {
        // finish the digest: a damaged file should be reported as damaged, not as a parse error
        in.transferTo(OutputStream.nullOutputStream());
        checkDigest(dir, e, sha);
        throw new CheckpointCorruptException("checkpoint " + dir + ": " + name + " matches its checksum but cannot be "
            + "read (" + parse.getMessage() + "); it was written by an incompatible writer", parse);
      }
      checkDigest(dir, e, sha);
      return tensors;
    }
  }

  private static CheckpointManifest.FileEntry expectedSize(FileSystem fs, Path dir, CheckpointManifest m, String name)
      throws IOException {
    CheckpointManifest.FileEntry e = m.file(name).orElseThrow();
    Path p = new Path(dir, name);
    if (!fs.exists(p)) {
      throw new CheckpointCorruptException("checkpoint " + dir + " lacks " + name + ", which its manifest lists; "
          + "resume from an earlier checkpoint");
    }
    long len = fs.getFileStatus(p).getLen();
    if (len != e.size()) {
      throw new CheckpointCorruptException("checkpoint file " + p + " has " + len + " bytes but the manifest recorded "
          + e.size() + ": it was truncated or replaced. Restore it, or move the folder aside and resume from an earlier checkpoint.");
    }
    return e;
  }

  private static void checkDigest(Path dir, CheckpointManifest.FileEntry e, MessageDigest sha) throws CheckpointCorruptException {
    String actual = HexFormat.of().formatHex(sha.digest());
    if (!actual.equalsIgnoreCase(e.sha256())) {
      throw new CheckpointCorruptException("checksum mismatch: checkpoint file " + new Path(dir, e.name()) + " has SHA-256 "
          + actual + " but the manifest recorded " + e.sha256() + ". The file was damaged or changed after the save; "
          + "restore it from a copy, or move the folder aside and resume from an earlier checkpoint.");
    }
  }

  /** A checkpoint file's content, written to a stream. */
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static CheckpointManifest.FileEntry write(FileSystem fs, Path dir, String name, Writer body) throws IOException {
    MessageDigest sha = sha256();
    Path p = new Path(dir, name);
    CountingOutputStream counted;
    try (OutputStream raw = fs.create(p, false)) {
      counted = new CountingOutputStream(new BufferedOutputStream(raw, 1 << 20));
      DigestOutputStream out = new DigestOutputStream(counted, sha);
      // Jackson would close the stream under us; the try-with-resources closes it once
      body.write(new NonClosing(out));
      out.flush();
    }
    return new CheckpointManifest.FileEntry(name, counted.count, HexFormat.of().formatHex(sha.digest()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(FileSystem fs, Path dir) {
    try {
      fs.delete(dir, true);
    } catch (IOException e) {
      log.warn("could not remove the unfinished checkpoint folder {}: {}", dir, e.getMessage());
    }
  }

  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
