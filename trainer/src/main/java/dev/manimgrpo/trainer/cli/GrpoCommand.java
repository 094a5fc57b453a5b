package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.trainer.data.RolloutShardReader;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.trainer.train.GrpoTrainer;
import dev.manimgrpo.trainer.train.HfGrpoTrainer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** GRPO on a rollout shard. */
@Command(name = "grpo", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "GRPO on a rollout shard (token-level dr_grpo loss, clipped ratio, KL to the starting policy).",
    description = "%nReads the shard with parquet-hadoop (one row per rollout, schema in pipeline-core's "
        + "RolloutShardSchema), starts from policy.checkpoint (default bundled-hf, the bundled starter), which is also"
        + " the frozen KL "
        + "reference, and writes checkpoints and metrics.jsonl to the run directory (resumed when it has checkpoints). "
        + "A policy.checkpoint that is a Hugging Face model, a PEFT adapter, or a run folder of one trains as "
        + "trainer.hf.method says (LoRA over the frozen base, or every weight), after checking that the shard's "
        + "log-probs are the policy's own (trainer.hf.max-logprob-drift).%n")
public final class GrpoCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--shard", required = true, paramLabel = "DIR", description = "Rollout shard: a Parquet folder, local "
      + "or s3a://.")
  String shard;

  @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory; default <trainer.output-dir>/grpo.")
  String runDir;

  @Option(names = "--reference", paramLabel = "DIR", description = "The frozen policy of the KL penalty: a Hugging Face"
      + " model or adapter folder, a checkpoint or run directory, bundled-hf (or 'bundled') for the bundled starter,"
      + " bundled-own for the project's own starter (default: the starting policy, policy.checkpoint). A GRPO loop"
      + " passes the policy it began with.")
  String reference;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  /** Exit code when the shard has no trainable group (every group zero-variance): the run directory then holds
   * the starting policy, unchanged, as its checkpoint. */
  public static final int EXIT_NO_TRAINABLE_GROUPS = 5;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    InputPaths.require("--shard", shard, "a rollout shard: a Parquet folder such as "
        + "outputs/rollouts/run_id=R/step=S, local or s3a://");
    InputPaths.policy("policy", config.policy());
    if (reference != null) {
      reference = PolicyConfig.starterAlias(reference);
      InputPaths.policyLocation("--reference", reference, InputPaths.POLICY_LOCATIONS);
    }
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("shard", shard, "policy", RunFacts.describe(config.policy()), "reference",
          reference == null ? "the starting policy" : reference, "engine", config.trainer().engine().configName(),
          "output", runDir != null ? runDir : config.trainer().outputDir() + "/grpo"));
    }
    var hadoop = Hadoop.of(config);
    URI shardUri = SftCommand.location(shard);
    List<RolloutRow> rows = new RolloutShardReader(hadoop).readAll(shardUri);
    URI dir = runDir != null ? SftCommand.location(runDir) : SftCommand.location(config.trainer().outputDir() + "/grpo");
    String checkpoint = config.policy().checkpoint();
    if (HfGrpoTrainer.isHfPolicy(checkpoint, hadoop)) {
      try {
        new HfGrpoTrainer(config.trainer(), hadoop, System.out, !noProgress && System.console() != null)
            .train(checkpoint, reference, rows, shardUri.toString(), dir);
      } catch (GrpoTrainer.NoTrainableGroupsException e) {
        System.err.println("grpo: " + e.getMessage() + "; nothing to train: the policy is saved unchanged in " + dir);
        return EXIT_NO_TRAINABLE_GROUPS;
      }
      return 0;
    }
    PolicyLoader loader = new PolicyLoader(hadoop);
    Policy start = loader.load(config.policy().checkpoint());
    Policy ref = reference == null ? start : loader.load(reference);
    try {
      new GrpoTrainer(config.trainer(), hadoop, System.out, !noProgress && System.console() != null)
          .train(start, ref, rows, shardUri.toString(), dir);
    } catch (GrpoTrainer.NoTrainableGroupsException e) {
      System.err.println("grpo: " + e.getMessage() + "; nothing to train: the policy is saved unchanged in " + dir);
      return EXIT_NO_TRAINABLE_GROUPS;
    }
    return 0;
  }
}
