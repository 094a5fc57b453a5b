package dev.manimgrpo.core.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --dry-run}, mixed into every command that starts work: the command parses its arguments,
 * resolves and checks the configuration and its local inputs as a real run would, prints
 * {@code dry run: <command> is valid: <facts>} and returns 0 before Spark, a render or a model is
 * started. An invalid run fails the same way with or without it. Schedulers (the Airflow DAG) use
 * it to check the argument lists they build.
 */
public final class DryRun {

  @Option(names = "--dry-run", description = "Check the arguments, the configuration and the local input paths "
      + "(s3a:// only for syntax), print what would run and exit 0, without starting Spark, renders or a model.")
  boolean requested;

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  /** Whether {@code --dry-run} was given. */
  public boolean requested() {
    return requested;
  }

  /** Prints the one-line verdict with the run's key facts (in order) and returns exit code 0. */
  public int report(Map<String, ?> facts) {
    PrintWriter out = command.commandLine().getOut();
    out.println("dry run: " + command.qualifiedName() + " is valid: " + facts.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
    out.flush();
    return 0;
  }

  /** Facts in the order given: {@code key, value, key, value, ...}. */
  public static Map<String, Object> facts(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      out.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
    }
    return out;
  }
}
