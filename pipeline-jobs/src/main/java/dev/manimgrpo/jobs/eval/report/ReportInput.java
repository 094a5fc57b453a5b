package dev.manimgrpo.jobs.eval.report;

import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.eval.StudyResult;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one evaluation report shows, as plain records: the report needs no Spark, so the job
 * collects to the driver and hands these over.
 *
 * @param title the report's heading
 * @param evalId the evaluation run
 * @param created when the run was made
 * @param config the run's settings, as shown (insertion order kept)
 * @param samples every evaluated sample
 * @param aggregates one row per (policy, stage, strategy), from {@code EvalAggregates.compute}
 * @param study published figures to set beside them ({@code StudyResults.bundled()}), may be empty
 * @param rewards GRPO reward values per step, may be empty (the section then says so)
 * @param trainingCurves training metrics per step, may be empty (likewise)
 */
public record ReportInput(String title, String evalId, Instant created, Map<String, String> config,
    List<EvalSample> samples, List<EvalAggregate> aggregates, List<StudyResult> study, List<RewardStep> rewards,
    List<TrainingPoint> trainingCurves) {

  public ReportInput {
    title = title == null || title.isBlank() ? "Evaluation " + evalId : title;
    config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
    samples = copy(samples);
    aggregates = copy(aggregates);
    study = copy(study);
    rewards = copy(rewards);
    trainingCurves = copy(trainingCurves);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
