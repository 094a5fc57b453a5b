package dev.manimgrpo.core.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resolves a {@link PipelineConfig}. Precedence, highest first: {@code --conf key=value}
 * overrides, then the user's YAML or JSON file, then {@code reference.yaml} (the defaults).
 * Unknown keys are errors that name the key and list the valid ones.
 */
public final class ConfigLoader {

  static final String REFERENCE = "/dev/manimgrpo/core/config/reference.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      // render.workers=2.5 is a mistake to report, not a 2.
      .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param file YAML or JSON file (JSON is YAML), or null for none
   * @param overrides dotted kebab-case keys to values, e.g. {@code render.workers -> 4}
   */
  public static PipelineConfig load(Path file, Map<String, String> overrides) {
    ObjectNode reference = reference();
    ObjectNode tree = reference.deepCopy();
    KeyOrigins origins = new KeyOrigins();
    if (file != null) {
      JsonNode user = readUserFile(file, origins);
      if (user != null && !user.isMissingNode() && !user.isNull()) {
        if (!user.isObject()) {
          throw new ConfigException(file + ": must hold a mapping of sections (runtime, render, ...), not "
              + describe(user));
        }
        merge(tree, (ObjectNode) user, "", origins);
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
      origins.overridden(e.getKey());
      override(tree, e.getKey(), e.getValue());
    }
    return bind(tree, reference, origins);
  }

  /** The user's file as a tree, with the line of every key noted for error messages. */
  private static JsonNode readUserFile(Path file, KeyOrigins origins) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + (Files.exists(file) ? " is not a file" : " does not exist")
          + " (--config takes a YAML or JSON file; `manim-grpo config` prints every key)");
    }
    try {
      origins.readLines(file);
      return YAML.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var where = e.getLocation();
      String first = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new ConfigException(file + (where == null ? "" : ":" + where.getLineNr()) + ": not valid YAML or JSON: "
          + first, e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Key fragments whose values are masked when a configuration is printed. */
  static final List<String> SECRET_KEY_PARTS = List.of("secret", "password", "access.key", "credential", "api-key",
      "apikey");

  /** Whether a key names a secret: one of the fragments, or a token ({@code session.token}, not {@code max-tokens}). */
  static boolean looksSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return SECRET_KEY_PARTS.stream().anyMatch(k::contains) || k.equals("token") || k.endsWith(".token")
        || k.endsWith("-token");
  }

  /** The configuration as YAML for logs and run manifests, with secret-looking values masked. */
  public static String toYaml(PipelineConfig config) {
    try {
      ObjectNode tree = YAML.valueToTree(config);
      mask(tree);
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mask(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode child = node.get(name);
      if (child.isObject()) {
        mask((ObjectNode) child);
      } else if (looksSecret(name)) {
        node.put(name, "*****");
      }
    }
  }

  private static ObjectNode reference() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(REFERENCE)) {
      if (in == null) {
        throw new IllegalStateException("reference.yaml missing from the class path");
      }
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(ObjectNode target, ObjectNode source, String prefix, KeyOrigins origins) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String key = prefix + f.getKey();
      JsonNode existing = target.get(f.getKey());
      if (existing == null) {
        throw new ConfigException(origins.where(key) + "unknown config key '" + key + "'; valid keys here: "
            + names(target, prefix));
      }
      if (FREE_FORM_SECTIONS.contains(key)) {
        target.set(f.getKey(), f.getValue());
      } else if (existing.isObject() && f.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) f.getValue(), key + ".", origins);
      } else {
        target.set(f.getKey(), f.getValue());
      }
    }
  }

  /** Sections whose keys are free-form (they contain dots themselves). */
  static final List<String> FREE_FORM_SECTIONS = List.of("spark.conf");

  private static void override(ObjectNode tree, String dottedKey, String value) {
    for (String section : FREE_FORM_SECTIONS) {
      if (dottedKey.startsWith(section + ".")) {
        ObjectNode target = (ObjectNode) tree.at("/" + section.replace('.', '/'));
        target.put(dottedKey.substring(section.length() + 1), value);
        return;
      }
      if (dottedKey.equals(section)) {
        JsonNode parsed = parseScalar(dottedKey, value);
        if (!parsed.isObject()) {
          throw new ConfigException("'" + section + "' takes a mapping, e.g. --conf " + section + ".spark.some.key=value");
        }
        ((ObjectNode) tree.at("/" + section.substring(0, section.indexOf('.')))).set(section.substring(section.indexOf('.') + 1), parsed);
        return;
      }
    }
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = tree;
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null) {
        throw new ConfigException("unknown config key '" + dottedKey + "'; valid keys here: " + names(node, prefix.toString()));
      }
      if (i == parts.length - 1) {
        if (child.isObject()) {
          throw new ConfigException("'" + dottedKey + "' is a section; set one of " + names((ObjectNode) child, dottedKey + "."));
        }
        node.set(parts[i], parseScalar(dottedKey, value));
      } else {
        if (!child.isObject()) {
          throw new ConfigException("'" + prefix + parts[i] + "' is a value, not a section, in key '" + dottedKey + "'");
        }
        node = (ObjectNode) child;
        prefix.append(parts[i]).append('.');
      }
    }
  }

  private static JsonNode parseScalar(String key, String value) {
    try {
      JsonNode parsed = YAML.readTree(value.isEmpty() ? "\"\"" : value);
      return parsed == null || parsed.isMissingNode() ? YAML.getNodeFactory().textNode(value) : parsed;
    } catch (IOException e) {
      // Not valid YAML on its own (e.g. "a: b"): take it as a string.
      return YAML.getNodeFactory().textNode(value);
    }
  }

  private static PipelineConfig bind(ObjectNode tree, ObjectNode reference, KeyOrigins origins) {
    try {
      return YAML.treeToValue(tree, PipelineConfig.class);
    } catch (IOException e) {
      throw BindErrors.explain(e, tree, reference, origins);
    } catch (IllegalArgumentException e) {
      // A record's own check (e.g. "render.workers must be > 0, got 0"): it names its key already.
      throw new ConfigException(origins.whereMentioned(e.getMessage(), "") + e.getMessage(), e);
    }
  }

  /** A node's kind, for messages: "a mapping", "a list", "'abc'". */
  static String describe(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "no value";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return "'" + node.asText() + "'";
  }

  private static List<String> names(ObjectNode node, String prefix) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(n -> out.add(prefix + n));
    return out;
  }

  /** A configuration problem; the message names the key and what to do. */
  public static final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }

    public ConfigException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
