package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.DatasetConfig;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.trainer.eval.RenderSuccessRate;
import dev.manimgrpo.policy.HfPolicyClient;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.trainer.train.HfGrpoTrainer;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.PolicySampler;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The policy's render success rate on a split. */
@Command(name = "rsr", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Render Success Rate of a policy on a dataset split (sample, extract code, render in the sandbox).",
    description = "%nThe policy is policy.checkpoint: bundled-hf (default, the bundled starter), a Hugging Face model,"
        + " PEFT adapter or run folder of one, or bundled-own or a checkpoint of the project's own policy.%n")
public final class RenderSuccessCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--split", defaultValue = "test", description = "train, test or all.")
  String split;

  @Option(names = {"-n", "--completions"}, defaultValue = "1", description = "Completions per prompt.")
  int n;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    InputPaths.dataset(config.dataset());
    InputPaths.policy("policy", config.policy());
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("dataset", RunFacts.describe(config.dataset().withSplit(split)), "policy",
          RunFacts.describe(config.policy()), "completions", n));
    }
    var hadoop = Hadoop.of(config);
    DatasetConfig d = config.dataset();
    SftDataset data = SftDataset.load(new DatasetConfig(d.path(), d.promptColumn(), split), hadoop);
    String checkpoint = config.policy().checkpoint();
    if (HfGrpoTrainer.isHfPolicy(checkpoint, hadoop)) {
      // A Hugging Face model, adapter or run folder of one (the default bundled-hf) samples through its own client.
      try (HfPolicyClient client = PolicyLoader.hfClient(checkpoint, hadoop)) {
        new RenderSuccessRate(config, System.out).run(client, data, n, config.policy().sampling());
      }
      return 0;
    }
    Policy policy = new PolicyLoader(hadoop).load(checkpoint);
    new RenderSuccessRate(config, System.out).run(policy, data, n,
        PolicySampler.params(config));
    return 0;
  }
}
