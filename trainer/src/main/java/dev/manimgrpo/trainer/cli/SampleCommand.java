package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.policy.HfPolicyClient;
import dev.manimgrpo.trainer.train.HfGrpoTrainer;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.PolicySampler;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints completions of a prompt. */
@Command(name = "sample", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Sample Manim programs for a task prompt from a policy (KV-cached, policy.sampling.*).",
    description = "%nThe policy is policy.checkpoint: bundled-hf (default, the bundled starter), a Hugging Face model,"
        + " adapter or run folder, bundled-own or a checkpoint of the project's own policy.%n")
public final class SampleCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Parameters(index = "0", paramLabel = "PROMPT", description = "The task, e.g. \"Show a blue circle turning into a square.\"")
  String prompt;

  @Option(names = {"-n", "--completions"}, defaultValue = "1", description = "Completions to draw.")
  int n;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    InputPaths.policy("policy", config.policy());
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("policy", RunFacts.describe(config.policy()), "completions", n,
          "max-tokens", config.policy().sampling().maxTokens()));
    }
    var hadoop = Hadoop.of(config);
    String checkpoint = config.policy().checkpoint();
    if (HfGrpoTrainer.isHfPolicy(checkpoint, hadoop)) {
      try (HfPolicyClient client = PolicyLoader.hfClient(checkpoint, hadoop)) {
        sampleHf(client, config.policy().sampling());
      }
      return 0;
    }
    Policy policy = new PolicyLoader(hadoop).load(checkpoint);
    var params = PolicySampler.params(config);
    long t0 = System.nanoTime();
    List<PolicySampler.Generation> gens = PolicySampler.of(policy, config).generate(List.of(prompt), n, params).get(0);
    double s = (System.nanoTime() - t0) / 1e9;
    int tokens = 0;
    for (int i = 0; i < gens.size(); i++) {
      PolicySampler.Generation g = gens.get(i);
      tokens += g.completion().length();
      System.out.printf(Locale.ROOT, "# completion %d (%d tokens, %s)%n%s%n", i, g.completion().length(),
          g.completion().finishReason(), g.code());
    }
    System.out.printf(Locale.ROOT, "# policy %s, step %d: %d tokens in %.2f s (%.0f tokens/s)%n", policy.source(),
        policy.step(), tokens, s, tokens / s);
    return 0;
  }

  /** A Hugging Face policy (the default bundled-hf): one group of n, seeded as the rollout job seeds step 0. */
  private void sampleHf(HfPolicyClient client, PolicyConfig.SamplingConfig sampling) {
    PolicyConfig.SamplingConfig group = sampling.withGroupSize(n);
    long t0 = System.nanoTime();
    List<Generation> gens = client.generate(GroupRequest.wholeGroup("cli", prompt, 0, group));
    double s = (System.nanoTime() - t0) / 1e9;
    int tokens = 0;
    for (Generation g : gens) {
      if (g.error() != null) {
        throw new IllegalStateException("sampling failed: " + g.error());
      }
      tokens += g.completionTokens();
      System.out.printf(Locale.ROOT, "# completion %d (%d tokens, %s)%n%s%n", g.rolloutIndex(), g.completionTokens(),
          g.finishReason(), client.extractCode(g.text()).code());
    }
    System.out.printf(Locale.ROOT, "# policy %s: %d tokens in %.2f s (%.0f tokens/s)%n", client.policyId(), tokens, s,
        tokens / s);
  }
}
