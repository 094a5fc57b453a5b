package dev.manimgrpo.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.core.policy.LlamaCppRoot;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfTokenizer;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.gguf.GgufExport;
import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Greedy decoding tokens/s of one Hugging Face checkpoint in the Java model ({@link HfCausalLm}, KV
 * cache) and in llama.cpp ({@code llama-bench}'s token-generation test on the same weights exported
 * as F32 GGUF), with the same number of threads, side by side in one run.
 *
 * <p>Both measure decoding only: the Java time is that of {@code 1 + n} greedy tokens minus that
 * of one (the prompt's prefill and its first token), the best of {@code repeats}; llama-bench
 * generates {@code n} tokens from an empty context and reports the mean of its repetitions.
 */
public final class SamplingBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "from manim import *\n";

  /** One measurement: tokens per second of each side, and llama.cpp's over the Java model's. */
  public record Result(int newTokens, int threads, double javaTokensPerSecond, double llamaTokensPerSecond) {
    public double llamaOverJava() {
      return llamaTokensPerSecond / javaTokensPerSecond;
    }
  }

  private final PrintStream out;

  public SamplingBenchmark(PrintStream out) {
    this.out = out;
  }

  /**
   * @param threads the threads both sides use: the Java model's ND4J ops ({@code OMP_NUM_THREADS}
   *     set by the launcher) and llama-bench's {@code -t}
   */
  public Result run(Path checkpoint, int newTokens, int threads, int repeats) throws IOException, InterruptedException {
    Path root = LlamaCppRoot.location();
    if (!LlamaCppRoot.provisioned(root)) {
      throw new IllegalStateException("no llama.cpp root at " + root + ": build it with "
          + LlamaCppRoot.PROVISION_SCRIPT + " (or set MANIM_GRPO_LLAMA_ROOT to one)");
    }
    ModelFolder folder = ModelFolder.local(checkpoint);
    HfCausalLm lm = HfCausalLm.load(folder);
    int[] prompt = HfTokenizer.load(folder).encode(PROMPT, true);
    out.printf(Locale.ROOT, "model: %s (%s, hidden %d, %d layers, vocab %d), %d new tokens, %d thread(s)%n",
        checkpoint, lm.config().architecture().className(), lm.config().hiddenSize(), lm.config().numHiddenLayers(),
        lm.config().vocabSize(), newTokens, threads);
    double javaRate = javaTokensPerSecond(lm, prompt, newTokens, repeats);
    out.printf(Locale.ROOT, "  Java (HfCausalLm, KV cache)   %9.1f tokens/s%n", javaRate);
    Path work = Files.createTempDirectory("bench-sampling");
    try {
      GgufExport.export(folder, work.resolve("model.gguf"), TensorType.F32);
      double llama = llamaTokensPerSecond(root, work, newTokens, threads, repeats);
      out.printf(Locale.ROOT, "  llama.cpp (llama-bench, F32)  %9.1f tokens/s%n", llama);
      Result r = new Result(newTokens, threads, javaRate, llama);
      out.printf(Locale.ROOT, "llama.cpp / Java = %.2fx (target: within 2x)%n", r.llamaOverJava());
      return r;
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static double javaTokensPerSecond(HfCausalLm lm, int[] prompt, int newTokens, int repeats) {
    // Warm-up at full length, as llama-bench warms up: JIT, ND4J's and BLAS's first calls.
    lm.greedy(prompt, newTokens + 1, true);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < Math.max(1, repeats); i++) {
      long t0 = System.nanoTime();
      lm.greedy(prompt, 1, true);
      long t1 = System.nanoTime();
      lm.greedy(prompt, newTokens + 1, true);
      long t2 = System.nanoTime();
      best = Math.min(best, ((t2 - t1) - (t1 - t0)) / 1e9);
    }
    return newTokens / Math.max(best, 1e-9);
  }

  private static double llamaTokensPerSecond(Path root, Path work, int newTokens, int threads, int repeats)
      throws IOException, InterruptedException {
    List<String> cmd = LlamaCppRoot.command(root, work, true, List.of("llama-bench", "-m", "/models/model.gguf",
        "-p", "0", "-n", Integer.toString(newTokens), "-t", Integer.toString(threads),
        "-r", Integer.toString(Math.max(1, repeats)), "-o", "json"));
    Path stdout = Files.createTempFile("llama-bench", ".json");
    Path stderr = Files.createTempFile("llama-bench", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("llama-bench did not finish within 10 minutes");
      }
      String text = Files.readString(stdout, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException("llama-bench failed (exit " + p.exitValue() + "): "
            + tail(Files.readString(stderr, StandardCharsets.UTF_8)));
      }
      for (JsonNode test : JSON.readTree(text)) {
        if (test.path("n_gen").asInt() == newTokens && test.path("n_prompt").asInt() == 0) {
          return test.path("avg_ts").asDouble();
        }
      }
      throw new IOException("llama-bench printed no token-generation result for " + newTokens + " tokens: " + tail(text));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  private static String tail(String s) {
    return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
  }
}
