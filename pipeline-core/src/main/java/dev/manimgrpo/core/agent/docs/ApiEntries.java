package dev.manimgrpo.core.agent.docs;

import dev.manimgrpo.core.agent.ApiDoc;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of one manim API dump, by position (the search index refers to them by it) and by name.
 *
 * <p>Why a preference order: a bare name is often defined in many places ({@code set_color} in Mobject,
 * VMobject, PMobject and ImageMobject; {@code begin} in thirteen animations), and code that writes
 * {@code Circle} means the class, not a method of that name. So a class or function comes first, then a
 * property, a method, a constant; among equals the shortest qualified name, usually the base class that
 * defines the behaviour ({@code Mobject.set_color}); then alphabetical, so the choice is stable.
 */
final class ApiEntries {

  /** Best first: class or function, property, method, constant; then shorter qualified name; then alphabetical. */
  static final Comparator<ApiDoc> PREFERRED = Comparator.comparingInt((ApiDoc d) -> kindRank(d.kind()))
      .thenComparingInt(d -> d.qualifiedName().length())
      .thenComparing(ApiDoc::qualifiedName);

  private final List<ApiDoc> all;
  private final Map<String, ApiDoc> byQualified = new HashMap<>();
  private final Map<String, ApiDoc> byName = new HashMap<>();

  ApiEntries(List<ApiDoc> entries) {
    this.all = List.copyOf(entries);
    for (ApiDoc d : all) {
      byQualified.merge(d.qualifiedName(), d, ApiEntries::better);
      byName.merge(d.name(), d, ApiEntries::better);
    }
  }

  List<ApiDoc> all() {
    return all;
  }

  int size() {
    return all.size();
  }

  ApiDoc get(int ordinal) {
    return all.get(ordinal);
  }

  /** The entry with this qualified name, else the preferred one with this bare name; case-sensitive, as Python is. */
  Optional<ApiDoc> exact(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.strip();
    ApiDoc d = byQualified.get(n);
    return Optional.ofNullable(d != null ? d : byName.get(n));
  }

  static int kindRank(String kind) {
    return switch (kind) {
      case "class", "function" -> 0;
      case "property" -> 1;
      case "method" -> 2;
      case "constant" -> 3;
      default -> 4;
    };
  }

  private static ApiDoc better(ApiDoc a, ApiDoc b) {
    return PREFERRED.compare(a, b) <= 0 ? a : b;
  }
}
