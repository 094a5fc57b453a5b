package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.CommandErrors;
import dev.manimgrpo.policy.model.NativeThreads;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code manim-grpo-trainer} command line: the policy's training, sampling and checks. */
@Command(name = "manim-grpo-trainer", mixinStandardHelpOptions = true, version = "manim-grpo-trainer 0.1.0",
    header = "Train the Manim-writing policy (SFT, GRPO) with Deeplearning4j, sample from it, measure it.",
    description = "%nThe policy is computed by SameDiff graphs (trainer.engine=samediff, the default) or by ND4J array"
        + " operations (trainer.engine=nd4j, faster on CPU); both take the same checkpoints."
        + " Runs on the CPU (nd4j-native) by default; build with -Pcuda for nd4j-cuda-11.6. Configuration: "
        + "the pipeline's YAML/JSON (--config) plus --conf key=value overrides, keys trainer.* and policy.*.%n",
    subcommands = {
        SftCommand.class,
        InitHfCommand.class,
        GrpoCommand.class,
        SampleCommand.class,
        RenderSuccessCommand.class,
        TrainerBenchCommand.class,
        TrainingBenchCommand.class,
        ExportPolicyCommand.class,
        ExportHfCommand.class,
        ExportGgufCommand.class,
        SamplingBenchCommand.class,
        HelpCommand.class
    })
public final class TrainerCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--dry-run")) {
      // A dry run checks arguments and inputs only: no backend, no model.
      System.exit(commandLine().execute(args));
    }
    // libnd4j's own op threads follow the BLAS threads (OMP_NUM_THREADS, 1 from the launcher):
    // with one of each, training is bit-for-bit reproducible and a resumed run exact.
    try {
      org.nd4j.linalg.factory.Nd4j.getBackend();
    } catch (Throwable e) { // ExceptionInInitializerError wrapping NoAvailableBackendException
      System.err.println("manim-grpo-trainer: ND4J found no usable backend. A -Pcuda build (nd4j-cuda-11.6) needs an"
          + " NVIDIA GPU with its driver (libcuda.so.1) and CUDA 11.6-compatible libraries; on a machine without them,"
          + " build without -Pcuda (nd4j-native, CPU). Cause: " + rootMessage(e));
      System.exit(CommandErrors.EXIT_FAILURE);
    }
    String omp = System.getenv("OMP_NUM_THREADS");
    NativeThreads.limitOpThreads(omp == null || !omp.matches("\\d+") ? 1 : Math.max(1, Integer.parseInt(omp)));
    System.exit(commandLine().execute(args));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    // Help texts are written in lines of up to 110 characters: at picocli's default 80 every one of
    // them would wrap into a long and a short line.
    CommandLine cl = new CommandLine(new TrainerCommand()).setUsageHelpWidth(120);
    return CommandErrors.install(cl);
  }
}
