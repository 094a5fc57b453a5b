package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model a Hugging Face benchmark command runs: the given checkpoint folder, or a random Qwen2
 * of the given shape written to a scratch folder that {@link #close} removes; and the threads both
 * sides of a benchmark use.
 */
final class BenchModel implements AutoCloseable {

  private final Path folder;
  private final Path scratch;

  private BenchModel(Path folder, Path scratch) {
    this.folder = folder;
    this.scratch = scratch;
  }

  /** {@code checkpoint} when given (it must hold a config.json), else a random Qwen2 (key/value heads: half). */
  static BenchModel of(Path checkpoint, int hidden, int layers, int heads, int vocab, int context) throws IOException {
    if (checkpoint != null) {
      return new BenchModel(checkpoint, null);
    }
    Path scratch = Files.createTempDirectory("bench-model");
    int intermediate = (hidden * 8 / 3 + 63) / 64 * 64;
    return new BenchModel(SyntheticCheckpoint.write(scratch.resolve("qwen2-random"), SyntheticCheckpoint.qwen2Config(
        hidden, layers, heads, heads / 2, intermediate, vocab, context), 1, 0.02), scratch);
  }

  /** Refuses a --checkpoint that is not a Hugging Face folder, and a random shape that cannot be built. */
  static void check(Path checkpoint, int hidden, int layers, int heads) {
    if (hidden < 1 || layers < 1 || heads < 2 || hidden % heads != 0) {
      throw new IllegalArgumentException("--hidden and --layers must be positive, and --heads at least 2 and a divisor"
          + " of --hidden; got " + hidden + ", " + layers + ", " + heads);
    }
    if (checkpoint != null && !Files.isRegularFile(checkpoint.resolve("config.json"))) {
      throw new IllegalArgumentException("--checkpoint " + checkpoint + " has no config.json: give a Hugging Face"
          + " checkpoint folder, or leave it out for a random model");
    }
  }

  /** OMP_NUM_THREADS (what the launcher gives ND4J), 1 when unset. */
  static int threads() {
    String omp = System.getenv("OMP_NUM_THREADS");
    return omp == null || !omp.matches("\\d+") ? 1 : Math.max(1, Integer.parseInt(omp));
  }

  Path folder() {
    return folder;
  }

  @Override
  public void close() throws IOException {
    if (scratch != null) {
      try (var files = Files.walk(scratch)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
