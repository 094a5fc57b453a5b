package dev.manimgrpo.core.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns Jackson's binding errors ("Cannot deserialize value of type `int` from String") into
 * messages an operator reads: the dotted key, the value given, what the key accepts (with its
 * default as an example), and the file and line when the value came from the user's file.
 */
final class BindErrors {

  private BindErrors() {}

  static ConfigLoader.ConfigException explain(IOException e, JsonNode tree, JsonNode reference, KeyOrigins origins) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String key = e instanceof JsonMappingException m ? key(m.getPath()) : "";
    if (root instanceof IllegalArgumentException && root.getMessage() != null) {
      // A record's or an enum's own check: its message names the key and the valid values.
      return new ConfigLoader.ConfigException(origins.whereMentioned(root.getMessage(), key) + root.getMessage(), e);
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return new ConfigLoader.ConfigException(origins.where(key) + "unknown config key '" + key + "'; valid keys here: "
          + u.getKnownPropertyIds(), e);
    }
    if (e instanceof MismatchedInputException mi && !key.isEmpty()) {
      JsonNode value = at(tree, key);
      String expected = expected(mi.getTargetType(), at(reference, key));
      JsonNode dflt = at(reference, key);
      String example = dflt == null || dflt.isMissingNode() || dflt.isContainerNode() && dflt.isEmpty() ? ""
          : ", e.g. the default " + (dflt.isTextual() ? "'" + dflt.asText() + "'" : dflt.toString());
      String what = value == null || value.isNull() || value.isMissingNode() ? "has no value"
          : (ConfigLoader.looksSecret(key) ? "the value given" : ConfigLoader.describe(value)) + " is not " + expected;
      return new ConfigLoader.ConfigException(origins.where(key) + key + ": " + what + " (accepted: " + expected
          + example + ")", e);
    }
    String msg = e instanceof JsonMappingException m ? m.getOriginalMessage() : e.getMessage();
    return new ConfigLoader.ConfigException(origins.where(key) + (key.isEmpty() ? "" : key + ": ")
        + "invalid configuration: " + msg, e);
  }

  /** What a Java type accepts, in the configuration's words. */
  static String expected(Class<?> type, JsonNode reference) {
    if (type == null) {
      return "a value of the default's kind";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class
        || type == short.class || type == Short.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a single value (text)";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list, e.g. [a, b]";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a mapping of keys to values";
    }
    List<String> keys = new ArrayList<>();
    if (reference != null && reference.isObject()) {
      reference.fieldNames().forEachRemaining(keys::add);
    }
    return keys.isEmpty() ? "a section" : "a section with keys " + keys;
  }

  /** {@code render.workers}, {@code eval.policies[0].name} from Jackson's path. */
  static String key(List<JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  /** The node at a dotted key, or null. */
  static JsonNode at(JsonNode tree, String key) {
    for (String section : ConfigLoader.FREE_FORM_SECTIONS) {
      if (key.startsWith(section + ".")) {
        // Its keys hold dots themselves (spark.conf's "spark.hadoop.fs.s3a.endpoint").
        JsonNode s = at(tree, section);
        return s == null ? null : s.get(key.substring(section.length() + 1));
      }
    }
    JsonNode n = tree;
    for (String part : key.split("\\.")) {
      if (n == null) {
        return null;
      }
      int bracket = part.indexOf('[');
      n = n.get(bracket < 0 ? part : part.substring(0, bracket));
      while (n != null && bracket >= 0) {
        int close = part.indexOf(']', bracket);
        n = n.get(Integer.parseInt(part.substring(bracket + 1, close)));
        bracket = part.indexOf('[', close);
      }
    }
    return n;
  }
}
