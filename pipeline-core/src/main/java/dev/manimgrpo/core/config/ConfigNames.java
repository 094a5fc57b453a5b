package dev.manimgrpo.core.config;

import java.util.Arrays;
import java.util.Locale;

/** How enum values are written in the configuration: lower case, '-' for '_' ({@code dr-grpo}). */
final class ConfigNames {

  private ConfigNames() {}

  static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The value written {@code name}, or an error naming {@code key} and the valid choices. */
  static <E extends Enum<E>> E parse(E[] values, String name, String key) {
    for (E v : values) {
      if (of(v).equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException(key + " must be one of " + Arrays.stream(values).map(ConfigNames::of).toList()
        + ", got '" + name + "'");
  }
}
