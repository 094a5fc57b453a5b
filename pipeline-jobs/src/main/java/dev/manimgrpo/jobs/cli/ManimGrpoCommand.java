package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.CommandErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code manim-grpo} command line: one subcommand per job or tool. */
@Command(name = "manim-grpo", mixinStandardHelpOptions = true, version = "manim-grpo 0.1.0",
    header = "Train and evaluate LLMs that write Manim animations (SFT + GRPO, renderer in the loop), on Spark.",
    description = "%nRun a subcommand with --help for its options. Configuration: one YAML/JSON file "
        + "(--config) plus --conf key=value overrides; `manim-grpo config` prints every key with its value.%n",
    subcommands = {
        RolloutCommand.class,
        EvalCommand.class,
        GrpoLoopCommand.class,
        ScoreCommand.class,
        RenderSamplesCommand.class,
        RenderCommand.class,
        SandboxCheckCommand.class,
        PreflightCommand.class,
        BenchRenderCommand.class,
        BenchRewardCommand.class,
        BenchSandboxCommand.class,
        BenchRolloutCommand.class,
        BenchScaleCommand.class,
        DatasetCommand.class,
        ConfigCommand.class,
        HelpCommand.class
    })
public final class ManimGrpoCommand implements Runnable {

  /** Exit code for invalid input (bad configuration, bad data). */
  public static final int EXIT_INVALID_INPUT = CommandErrors.EXIT_INVALID_INPUT;
  /** Exit code for a failure of the environment (runtime missing, sandbox, I/O). */
  public static final int EXIT_FAILURE = CommandErrors.EXIT_FAILURE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    // Help texts are written in lines of up to 110 characters: at picocli's default 80 every one of
    // them would wrap into a long and a short line.
    CommandLine cl = new CommandLine(new ManimGrpoCommand()).setUsageHelpWidth(120);
    return CommandErrors.install(cl);
  }
}
