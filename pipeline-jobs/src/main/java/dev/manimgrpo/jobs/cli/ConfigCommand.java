package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Prints the resolved configuration. */
@Command(name = "config", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Print the resolved configuration (defaults, then --config, then --conf) as YAML.")
public final class ConfigCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Override
  public Integer call() {
    System.out.print(ConfigLoader.toYaml(options.load()));
    return 0;
  }
}
