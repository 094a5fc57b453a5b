package dev.manimgrpo.core.cli;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command shares: a config file and {@code --conf key=value} overrides. */
public final class ConfigOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML or JSON configuration file; keys and defaults are in reference.yaml "
          + "(print them with the `config` subcommand).")
  public Path file;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Override one configuration key, e.g. --conf render.workers=4 (repeatable; wins over --config).")
  public Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
  public boolean verbose;

  public PipelineConfig load() {
    return ConfigLoader.load(file, overrides);
  }
}
