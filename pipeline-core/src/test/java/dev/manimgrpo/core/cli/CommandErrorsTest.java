package dev.manimgrpo.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How failures read: expected ones one line and exit 2, others a short message, exit 1 and --verbose. */
class CommandErrorsTest {

  @Command(name = "tool", subcommands = {Job.class, Bare.class})
  static final class Tool implements Runnable {
    @Override
    public void run() {}
  }

  @Command(name = "job")
  static final class Job implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Mixin DryRun dryRun;

    @Option(names = "--fail")
    String fail = "";

    @Override
    public Integer call() {
      if (fail.equals("input")) {
        throw new IllegalArgumentException("job.size: 'x' is not a whole number");
      }
      if (fail.equals("bug")) {
        throw new IllegalStateException("boom\nsecond line of detail");
      }
      return dryRun.requested() ? dryRun.report(DryRun.facts("size", 3, "output", "out/")) : 0;
    }
  }

  /** A command without --verbose (the benchmarks): its failures do not point at an option it lacks. */
  @Command(name = "bare")
  static final class Bare implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("broke");
    }
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = CommandErrors.install(new CommandLine(new Tool()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void anExpectedFailureIsOneLineWithExitTwo() {
    Run r = run("job", "--fail", "input");
    assertThat(r.exit()).isEqualTo(CommandErrors.EXIT_INVALID_INPUT);
    assertThat(r.err()).isEqualTo("tool job: job.size: 'x' is not a whole number" + System.lineSeparator());
  }

  @Test
  void anUnexpectedFailureIsShortAndPointsAtVerbose() {
    Run r = run("job", "--fail", "bug");
    assertThat(r.exit()).isEqualTo(CommandErrors.EXIT_FAILURE);
    assertThat(r.err()).isEqualTo("tool job: failed: boom (run with --verbose for the stack trace)"
        + System.lineSeparator());
    Run verbose = run("job", "--fail", "bug", "--verbose");
    assertThat(verbose.err()).contains("IllegalStateException: boom").contains("\tat ");
  }

  @Test
  void aCommandWithoutVerboseDoesNotSuggestIt() {
    Run r = run("bare");
    assertThat(r.exit()).isEqualTo(CommandErrors.EXIT_FAILURE);
    assertThat(r.err()).isEqualTo("tool bare: failed: broke" + System.lineSeparator());
  }

  @Test
  void badArgumentsAreOneLineAndExitTwo() {
    Run r = run("job", "--fial", "x");
    assertThat(r.exit()).isEqualTo(CommandErrors.EXIT_INVALID_INPUT);
    assertThat(r.err()).startsWith("tool job: Unknown options: '--fial', 'x' (see tool job --help)")
        .doesNotContain("Usage:");
  }

  @Test
  void dryRunReportsTheFactsInOrder() {
    Run r = run("job", "--dry-run");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("dry run: tool job is valid: size=3, output=out/" + System.lineSeparator());
  }
}
