package dev.manimgrpo.core.cli;

import picocli.CommandLine;

/**
 * How every manim-grpo command line reports a failure: the error's message (which says what to
 * do), not a stack trace unless {@code --verbose}; exit code {@link #EXIT_INVALID_INPUT} for bad
 * input (configuration, data), {@link #EXIT_FAILURE} for the environment (runtime, I/O).
 */
public final class CommandErrors implements CommandLine.IExecutionExceptionHandler {

  /** Exit code for invalid input (bad configuration, bad data). */
  public static final int EXIT_INVALID_INPUT = 2;
  /** Exit code for a failure of the environment (runtime missing, sandbox, I/O). */
  public static final int EXIT_FAILURE = 1;

  private final String program;

  /** @param program the name errors are prefixed with */
  public CommandErrors(String program) {
    this.program = program;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    boolean verbose = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
        || parsed.hasMatchedOption("--verbose");
    Throwable shown = ex;
    while (shown.getCause() != null && shown.getMessage() == null) {
      shown = shown.getCause();
    }
    cl.getErr().println(program + ": " + shown.getMessage());
    if (verbose) {
      ex.printStackTrace(cl.getErr());
    } else {
      cl.getErr().println("(run with --verbose for the stack trace)");
    }
    return ex instanceof IllegalArgumentException ? EXIT_INVALID_INPUT : EXIT_FAILURE;
  }
}
