package dev.manimgrpo.jobs.eval;

import dev.manimgrpo.core.agent.ManimAgent;
import dev.manimgrpo.core.agent.WorkerApiDocs;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.core.spark.EvalSparkSchema;
import dev.manimgrpo.jobs.QuarantineTable;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import dev.manimgrpo.reward.rollout.RolloutScorer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The evaluation job's task: each sample of the partition with the executor's policy client, warm
 * render pool, reference cache and API documentation, all started once per executor and shared. A
 * sample whose reference does not render gives no row; its failure goes back to the driver's quarantine.
 */
final class EvalPartition implements FlatMapFunction<Iterator<EvalTask>, Row> {

  private static final long serialVersionUID = 1L;

  private final PipelineConfig config;
  private final String evalId;
  private final LongAccumulator rendered;
  private final CollectionAccumulator<QuarantineTable.ReferenceFailure> referenceFailures;

  EvalPartition(PipelineConfig config, String evalId, LongAccumulator rendered,
      CollectionAccumulator<QuarantineTable.ReferenceFailure> referenceFailures) {
    this.config = config;
    this.evalId = evalId;
    this.rendered = rendered;
    this.referenceFailures = referenceFailures;
  }

  @Override
  public Iterator<Row> call(Iterator<EvalTask> tasks) {
    PolicyClient client = ExecutorPolicy.get(config);
    RenderWorkerPool pool = ExecutorRenderPool.get(config);
    WorkerApiDocs docs = new WorkerApiDocs(pool, ExecutorApiIndex.search(config, pool),
        ExecutorApiIndex.concepts(config, pool));
    ManimAgent agent = new ManimAgent(client, pool, docs, config.eval().suggestions(), config.eval().taskDocs());
    RolloutScorer scorer = RolloutScorer.of(config.reward());
    List<Row> out = new ArrayList<>();
    while (tasks.hasNext()) {
      EvalTask t = tasks.next();
      // The reference first (cached by content): a sample that cannot be scored is quarantined, not solved.
      RenderResult reference = ExecutorRenderPool.referenceCache(config).get(t.prompt().promptId(),
          t.prompt().referenceCode(), RenderProfile.FRAMES);
      if (!reference.succeeded()) {
        referenceFailures.add(QuarantineTable.ReferenceFailure.of(t.prompt().promptId(), reference));
        continue;
      }
      var sample = EvalSampler.run(agent, ExecutorRenderPool.referenceCache(config), scorer, config, evalId,
          client.policyId(), t);
      if (sample.success()) {
        rendered.add(1);
      }
      out.add(EvalSparkSchema.toRow(sample));
    }
    return out.iterator();
  }
}
