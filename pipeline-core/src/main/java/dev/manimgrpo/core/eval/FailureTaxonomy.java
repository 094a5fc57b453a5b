package dev.manimgrpo.core.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why final programs failed, counted per strategy: does render feedback remove some kinds of error
 * (a misspelt name) and leave others (a timeout)?
 */
public final class FailureTaxonomy {

  private FailureTaxonomy() {}

  /**
   * A failed sample's class: its Python exception type when it raised one (NameError,
   * AttributeError), else its final status (syntax_error, timeout, no_code, sampling_error).
   */
  public static String label(EvalSample s) {
    String e = s.errorClass();
    if (e != null && !e.isBlank()) {
      return e.strip();
    }
    String status = s.finalStatus();
    return status == null || status.isBlank() ? "unknown" : status.strip();
  }

  /**
   * Counts of failed samples by strategy, then label: strategies in direct, ritl, ritl_doc order,
   * labels by count (most first), then name.
   */
  public static Map<String, Map<String, Integer>> countByStrategy(List<EvalSample> samples) {
    Map<String, Map<String, Integer>> counts = new TreeMap<>(EvalGroup.STRATEGY_ORDER);
    for (EvalSample s : samples) {
      if (!s.success()) {
        String strategy = s.strategy() == null ? "unknown" : s.strategy();
        counts.computeIfAbsent(strategy, k -> new TreeMap<>()).merge(label(s), 1, Integer::sum);
      }
    }
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    counts.forEach((strategy, byLabel) -> {
      List<Map.Entry<String, Integer>> entries = new ArrayList<>(byLabel.entrySet());
      entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
      Map<String, Integer> sorted = new LinkedHashMap<>();
      entries.forEach(en -> sorted.put(en.getKey(), en.getValue()));
      out.put(strategy, sorted);
    });
    return out;
  }
}
