package dev.manimgrpo.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far a code metric predicts a visual one: Pearson's r and Spearman's ρ between CodeBLEU and the
 * default visual similarity, per training stage and strategy, over the samples that had a program
 * (failed renders included, at VS 0, as the study scores them). A low value says CodeBLEU is no stand-in
 * for looking at the video.
 *
 * @param stage the training stage
 * @param strategy direct, ritl or ritl_doc
 * @param n pairs (samples with a CodeBLEU)
 * @param pearson Pearson's r (NaN with fewer than two pairs or a constant side)
 * @param spearman Spearman's ρ, ties at their average rank (NaN likewise)
 */
public record CodeVisualCorrelation(String stage, String strategy, int n, double pearson, double spearman) {

  /** One row per (stage, strategy) that has samples, stages in training order, then strategies. */
  public static List<CodeVisualCorrelation> compute(List<EvalSample> samples) {
    Map<EvalGroup, List<EvalSample>> byCell = new TreeMap<>();
    for (EvalSample s : samples) {
      EvalGroup g = EvalGroup.of(s);
      // all policies pooled: the key's policy is a placeholder
      byCell.computeIfAbsent(new EvalGroup("*", g.stage(), g.strategy()), k -> new ArrayList<>()).add(s);
    }
    List<CodeVisualCorrelation> out = new ArrayList<>();
    byCell.forEach((cell, list) -> {
      List<EvalSample> scored = list.stream().filter(s -> s.codeBleu() != null).toList();
      double[] code = scored.stream().mapToDouble(EvalSample::codeBleu).toArray();
      double[] visual = scored.stream().mapToDouble(EvalSample::vsDefault).toArray();
      out.add(new CodeVisualCorrelation(cell.stage(), cell.strategy(), scored.size(),
          Correlation.pearson(code, visual), Correlation.spearman(code, visual)));
    });
    return out;
  }
}
