package dev.manimgrpo.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.TransformersRoot;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.train.HfAdamW;
import dev.manimgrpo.policy.hf.train.HfTrainingMemory;
import dev.manimgrpo.policy.hf.train.HfTrainingModel;
import dev.manimgrpo.policy.hf.train.LoraSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training tokens/s of a Hugging Face model, LoRA SFT and full SFT, in the Java trainer ({@link
 * HfTrainingModel}, {@link HfAdamW}) and in PyTorch (the transformers root's, CPU, float32, eager
 * attention, the same threads), side by side in one run, on the same batch: the mean token NLL, AdamW,
 * LoRA on every linear layer of the decoder. Both sides report their first step's loss, which must
 * agree (the same model on the same tokens), so the two time the same work.
 */
public final class HfTrainingBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SCRIPT = "bench_training.py";

  /** One mode's measurements; {@code torchOverJava} is what the target is about (<= 1: Java at least as fast). */
  public record Side(double firstLoss, double stepSeconds, double tokensPerSecond, long trainedValues) {}

  public record ModeResult(String mode, Side java, Side torch) {
    public double javaOverTorch() {
      return java.tokensPerSecond() / torch.tokensPerSecond();
    }
  }

  public record Result(int batch, int length, int threads, String torchVersion, List<ModeResult> modes) {}

  private final PrintStream out;

  public HfTrainingBenchmark(PrintStream out) {
    this.out = out;
  }

  /**
   * @param modes {@code lora}, {@code full} or both
   * @param threads ND4J's threads (OMP_NUM_THREADS, set by the launcher) and PyTorch's
   */
  public Result run(Path checkpoint, List<String> modes, int batch, int length, int rank, int warmup, int steps,
      int threads) throws IOException, InterruptedException {
    Path root = TransformersRoot.location();
    if (!TransformersRoot.provisioned(root)) {
      throw new IllegalStateException("no transformers root at " + root + ": build it with "
          + TransformersRoot.PROVISION_SCRIPT + " (or set MANIM_GRPO_HF_ORACLE to one)");
    }
    ModelFolder folder = ModelFolder.local(checkpoint);
    // The config is enough here; each mode loads the weights afresh, as PyTorch's side does.
    HfModelConfig shape = HfModelConfig.read(folder);
    int[][] tokens = tokens(batch, length + 1, shape.vocabSize());
    out.printf(Locale.ROOT, "model: %s (%s, hidden %d, %d layers, vocab %d); batch %d x %d tokens, LoRA rank %d,"
        + " %d warm-up + %d timed steps, %d thread(s)%n", checkpoint, shape.architecture().className(),
        shape.hiddenSize(), shape.numHiddenLayers(), shape.vocabSize(), batch, length, rank,
        warmup, steps, threads);
    for (String mode : modes) {
      out.printf(Locale.ROOT, "  %-4s  estimated memory of a step (no checkpointing, as PyTorch here): %s%n", mode,
          HfTrainingMemory.estimate(shape, mode.equals("lora") ? rank : null, LoraSpec.ALL_LINEAR,
              (long) batch * length, length, false).describe());
    }
    JsonNode torch = torch(root, checkpoint, tokens, modes, rank, warmup, steps, threads);
    List<ModeResult> results = new ArrayList<>();
    for (String mode : modes) {
      Side java = java(folder, mode, tokens, rank, warmup, steps);
      JsonNode t = torch.path("modes").path(mode);
      Side py = new Side(t.path("first_loss").asDouble(), t.path("step_seconds").asDouble(),
          t.path("tokens_per_s").asDouble(), t.path("trained_values").asLong());
      ModeResult r = new ModeResult(mode, java, py);
      results.add(r);
      out.printf(Locale.ROOT, "  %-4s  Java %8.1f tokens/s (%.2f s/step, first loss %.4f)   PyTorch %8.1f tokens/s"
          + " (%.2f s/step, first loss %.4f)   Java / PyTorch = %.2fx%n", mode, java.tokensPerSecond(),
          java.stepSeconds(), java.firstLoss(), py.tokensPerSecond(), py.stepSeconds(), py.firstLoss(), r.javaOverTorch());
      if (Math.abs(java.firstLoss() - py.firstLoss()) > 1e-3 * Math.max(1, Math.abs(py.firstLoss()))) {
        throw new IllegalStateException("the two sides computed different first losses (" + java.firstLoss() + " and "
            + py.firstLoss() + "): they are not timing the same model on the same tokens");
      }
    }
    out.printf(Locale.ROOT, "target: Java / PyTorch >= 1.0 (PyTorch %s, %d thread(s))%n",
        torch.path("torch").asText(), torch.path("threads").asInt());
    return new Result(batch, length, threads, torch.path("torch").asText(), results);
  }

  /** Random ids in [3, vocab): the same batch for both sides. */
  static int[][] tokens(int batch, int length, int vocab) {
    Random r = new Random(42);
    int[][] t = new int[batch][length];
    for (int[] row : t) {
      for (int i = 0; i < length; i++) {
        row[i] = 3 + r.nextInt(vocab - 3);
      }
    }
    return t;
  }

  private Side java(ModelFolder folder, String mode, int[][] tokens, int rank, int warmup, int steps)
      throws IOException {
    HfWeights weights = HfCausalLm.load(folder).weights();
    HfTrainingModel model;
    if (mode.equals("lora")) {
      LoraAdapter adapter = new LoraSpec(rank, 2.0 * rank, 0, LoraSpec.ALL_LINEAR).initialise(weights.config(),
          folder.location(), 0);
      model = HfTrainingModel.lora(weights, adapter, false);
    } else {
      model = HfTrainingModel.full(weights, false);
    }
    HfAdamW adam = new HfAdamW(model.parameters(), 0.9, 0.95, 1e-8, 0.0);
    int batch = tokens.length;
    int time = tokens[0].length - 1;
    int[][] inputs = new int[batch][];
    int[][] targets = new int[batch][];
    for (int b = 0; b < batch; b++) {
      inputs[b] = java.util.Arrays.copyOf(tokens[b], time);
      targets[b] = java.util.Arrays.copyOfRange(tokens[b], 1, time + 1);
    }
    INDArray dLogProb = Nd4j.valueArrayOf(new long[] {batch, time}, -1.0 / (batch * time), DataType.FLOAT);
    double first = Double.NaN;
    double timed = 0;
    for (int step = 0; step < warmup + steps; step++) {
      long t0 = System.nanoTime();
      HfTrainingModel.Pass pass = model.forward(inputs, targets, true, step);
      Map<String, INDArray> grads = model.backward(pass, dLogProb);
      adam.update(grads, 1e-4);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (Double.isNaN(first)) {
        first = -pass.logProbs().sumNumber().doubleValue() / (batch * time);
      }
      if (step >= warmup) {
        timed += seconds;
      }
      System.gc(); // ND4J frees a step's off-heap arrays once they are collected; outside the timing
    }
    double perStep = timed / steps;
    return new Side(first, perStep, batch * time / perStep, model.trainedValues());
  }

  private JsonNode torch(Path root, Path checkpoint, int[][] tokens, List<String> modes, int rank, int warmup, int steps,
      int threads) throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("bench-training");
    try {
      Path in = Files.createDirectories(work.resolve("in"));
      Path outDir = Files.createDirectories(work.resolve("out"));
      Path scripts = Files.createDirectories(work.resolve("script"));
      try (InputStream s = HfTrainingBenchmark.class.getResourceAsStream(SCRIPT)) {
        if (s == null) {
          throw new IllegalStateException(SCRIPT + " is missing from the trainer's resources; rebuild the trainer");
        }
        Files.write(scripts.resolve(SCRIPT), s.readAllBytes());
      }
      Path model = Files.createDirectories(in.resolve("model"));
      try (var files = Files.list(checkpoint)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.copy(f, model.resolve(f.getFileName()));
        }
      }
      ObjectNode request = JSON.createObjectNode();
      request.put("model", "model").put("rank", rank).put("alpha", 2.0 * rank).put("lr", 1e-4).put("warmup", warmup)
          .put("steps", steps).put("threads", threads);
      request.set("tokens", JSON.valueToTree(tokens));
      request.set("modes", JSON.valueToTree(modes));
      Files.writeString(in.resolve("request.json"), JSON.writeValueAsString(request));
      List<String> cmd = TransformersRoot.python(root, scripts, SCRIPT, in, outDir, threads);
      Path log = work.resolve("torch.log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("PyTorch's side did not finish within an hour");
      }
      if (p.exitValue() != 0) {
        String text = Files.readString(log, StandardCharsets.UTF_8).strip();
        out.println(text.substring(Math.max(0, text.length() - 3000)));
        throw new IOException("PyTorch's side failed (exit " + p.exitValue() + "): "
            + text.substring(text.lastIndexOf('\n') + 1) + " (its output is above)");
      }
      return JSON.readTree(outDir.resolve("result.json").toFile());
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
