package dev.manimgrpo.core.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How every manim-grpo command line reports a failure. An expected failure (bad configuration, a
 * missing input: an {@link IllegalArgumentException}, whose message names the key or path and says
 * what to do) is one line and exit code {@link #EXIT_INVALID_INPUT}; anything else is a short
 * message, exit code {@link #EXIT_FAILURE}, and a pointer to {@code --verbose}, which prints the
 * stack trace in both cases. Bad arguments (picocli's own errors) are one line and a pointer to
 * {@code --help}, not the whole usage text.
 */
public final class CommandErrors implements CommandLine.IExecutionExceptionHandler,
    CommandLine.IParameterExceptionHandler {

  /** Exit code for invalid input (bad arguments, configuration or data). */
  public static final int EXIT_INVALID_INPUT = 2;
  /** Exit code for a failure of the environment (runtime missing, sandbox, I/O). */
  public static final int EXIT_FAILURE = 1;

  /** Installs both handlers on a command line; messages start with the command's name ("manim-grpo rollout: "). */
  public static CommandLine install(CommandLine cl) {
    CommandErrors errors = new CommandErrors();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    return cl;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean expected = ex instanceof IllegalArgumentException;
    String name = cl.getCommandSpec().qualifiedName();
    if (expected) {
      err.println(name + ": " + firstLine(ex.getMessage()));
    } else {
      Throwable shown = ex;
      while (shown.getCause() != null && shown.getMessage() == null) {
        shown = shown.getCause();
      }
      String msg = shown.getMessage() == null ? shown.getClass().getName() : firstLine(shown.getMessage());
      boolean canBeVerbose = cl.getCommandSpec().findOption("--verbose") != null;
      err.println(name + ": failed: " + msg
          + (verbose(parsed) || !canBeVerbose ? "" : " (run with --verbose for the stack trace)"));
    }
    if (verbose(parsed)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return expected ? EXIT_INVALID_INPUT : EXIT_FAILURE;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    String name = cl.getCommandSpec().qualifiedName();
    err.println(name + ": " + firstLine(ex.getMessage()) + " (see " + name + " --help)");
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.flush();
    return EXIT_INVALID_INPUT;
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    if (parsed == null) {
      return false;
    }
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** A message's first line: Spark's and Hadoop's messages go on with plans and hints. */
  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl).strip();
  }
}
