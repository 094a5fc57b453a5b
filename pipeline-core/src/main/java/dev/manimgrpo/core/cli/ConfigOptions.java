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

  /**
   * The configuration with a command's own options applied under the user's --conf overrides (which
   * win): {@code key, value, key, value, ...}; a null value (an option not given) sets nothing.
   */
  public PipelineConfig load(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values come in pairs");
    }
    Map<String, String> all = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        all.put((String) keysAndValues[i], keysAndValues[i + 1].toString());
      }
    }
    if (overrides != null) {
      all.putAll(overrides);
    }
    return ConfigLoader.load(file, all);
  }
}
