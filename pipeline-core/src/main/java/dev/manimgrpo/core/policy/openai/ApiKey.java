package dev.manimgrpo.core.policy.openai;

import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The API key of an OpenAI-compatible server, kept out of every text this package produces: its
 * {@link #toString()} is a placeholder, and {@link #redact} removes it from server text (an error
 * body may echo the request's headers) before that text is logged or kept in a generation's error.
 */
final class ApiKey {

  /** What a key is replaced with in any kept text. */
  static final String REDACTED = "[redacted]";

  private final String value;
  private final List<String> forms;

  private ApiKey(String value) {
    this.value = value;
    List<String> f = new ArrayList<>();
    f.add(value);
    // A JSON body echoing the header escapes these characters; redact that form too.
    String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/");
    if (!escaped.equals(value)) {
      f.add(escaped);
    }
    this.forms = List.copyOf(f);
  }

  /**
   * The key: the environment variable named by {@code policy.openai.key-env}, else the caller's
   * fallback (the Spark job passes the value of {@code policy.openai.key-spark-conf}); empty when
   * neither gives a non-blank value.
   */
  static Optional<ApiKey> resolve(OpenAiConfig config, Function<String, String> environment,
      Supplier<String> fallback) {
    String fromEnv = config.keyEnv().isEmpty() ? null : environment.apply(config.keyEnv());
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(checked(fromEnv.strip(), "the environment variable " + config.keyEnv()));
    }
    String fromCaller = fallback == null ? null : fallback.get();
    if (fromCaller != null && !fromCaller.isBlank()) {
      return Optional.of(checked(fromCaller.strip(), "the Spark conf key " + config.keySparkConf()));
    }
    return Optional.empty();
  }

  /** A key that can be a header value (the message names where it came from, never the key). */
  private static ApiKey checked(String value, String source) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7F || c > 0x7E) {
        throw new IllegalArgumentException("the API key in " + source + " has a character at position " + i
            + " that cannot be sent in an HTTP header (a control or non-ASCII character): set it again");
      }
    }
    return new ApiKey(value);
  }

  /** The Authorization header's value. */
  String bearer() {
    return "Bearer " + value;
  }

  /** The text with every occurrence of the key replaced by {@value #REDACTED}. */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String t = text;
    for (String f : forms) {
      t = t.replace(f, REDACTED);
    }
    return t;
  }

  @Override
  public String toString() {
    return "ApiKey" + REDACTED;
  }
}
