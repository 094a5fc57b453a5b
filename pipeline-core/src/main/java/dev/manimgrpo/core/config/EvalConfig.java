package dev.manimgrpo.core.config;

import dev.manimgrpo.core.agent.Strategy;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The evaluation job ({@code eval.*} in reference.yaml): a matrix of policies x strategies over the
 * data set selection.
 *
 * @param dir where the tables and the report go (local or s3a://); empty: {@code <output.dir>/eval}
 * @param evalId the evaluation run; empty: {@code eval-<UTC date>-<time>}. Rerunning an id keeps
 *     its finished samples and evaluates only what is missing
 * @param strategies direct, ritl, ritl_doc
 * @param maxRounds K, the most rounds (renders) of RITL and RITL-DOC
 * @param suggestions closest real names the API search proposes per missing name (0: none)
 * @param taskDocs API entries the search finds for the task description, added to RITL-DOC prompts (0: none)
 * @param bootstrapSamples resamples behind each confidence interval
 * @param confidence the intervals' level
 * @param report whether the HTML report is written
 * @param reportWorst failed samples linked from the report, worst visual score first
 * @param policies the policies compared; empty: the {@code policy} section alone
 * @param trainingRun a GRPO loop run folder whose reward curve and training curves the report shows
 *     beside the evaluation; empty: none
 */
public record EvalConfig(String dir, String evalId, List<String> strategies, int maxRounds, int suggestions,
    int taskDocs, int bootstrapSamples, double confidence, boolean report, int reportWorst, List<EvalPolicy> policies,
    String trainingRun) implements java.io.Serializable {

  static final Set<String> STAGES = Set.of("base", "sft", "sft_grpo");

  public EvalConfig {
    dir = dir == null ? "" : dir.strip();
    evalId = evalId == null ? "" : evalId.strip();
    if (!evalId.isEmpty() && !evalId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException("eval.eval-id '" + evalId + "' must be 1 to 128 letters, digits, '.', '_' or"
          + " '-' (it names a Parquet partition folder)");
    }
    strategies = List.copyOf(strategies == null || strategies.isEmpty() ? List.of("direct") : strategies);
    for (String s : strategies) {
      try {
        Strategy.parse(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("eval.strategies: " + e.getMessage());
      }
    }
    if (maxRounds < 1) {
      throw new IllegalArgumentException("eval.max-rounds must be >= 1 (the study uses 3), got " + maxRounds);
    }
    if (suggestions < 0) {
      throw new IllegalArgumentException("eval.suggestions must be >= 0 (0 = no API search), got " + suggestions);
    }
    if (taskDocs < 0) {
      throw new IllegalArgumentException("eval.task-docs must be >= 0 (0 = none), got " + taskDocs);
    }
    if (bootstrapSamples < 100) {
      throw new IllegalArgumentException("eval.bootstrap-samples must be >= 100 (intervals from fewer resamples are"
          + " noise), got " + bootstrapSamples);
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException("eval.confidence must be in (0.5, 1), e.g. 0.95, got " + confidence);
    }
    if (reportWorst < 0) {
      throw new IllegalArgumentException("eval.report-worst must be >= 0, got " + reportWorst);
    }
    policies = List.copyOf(policies == null ? List.of() : policies);
    trainingRun = trainingRun == null ? "" : trainingRun.strip();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < policies.size(); i++) {
      if (!names.add(policies.get(i).name())) {
        throw new IllegalArgumentException("eval.policies[" + i + "]: the name '" + policies.get(i).name()
            + "' is used twice; give every policy its own name");
      }
    }
  }

  /** Whether the API search index is needed (suggestions or task docs for RITL-DOC). */
  public boolean usesApiIndex() {
    return (suggestions > 0 || taskDocs > 0) && strategyList().contains(Strategy.RITL_DOC);
  }

  /** The strategies, parsed, in the order configured. */
  public List<Strategy> strategyList() {
    return strategies.stream().map(Strategy::parse).distinct().toList();
  }

  /** The tables' folder under the output folder unless set. */
  public String resolvedDir(OutputConfig output) {
    return dir.isEmpty() ? output.dir() + "/eval" : dir;
  }

  public EvalConfig withEvalId(String id) {
    return new EvalConfig(dir, id, strategies, maxRounds, suggestions, taskDocs, bootstrapSamples, confidence,
        report, reportWorst, policies, trainingRun);
  }

  public EvalConfig withDir(String newDir) {
    return new EvalConfig(newDir, evalId, strategies, maxRounds, suggestions, taskDocs, bootstrapSamples,
        confidence, report, reportWorst, policies, trainingRun);
  }

  /** The policies to compare, each resolved against the {@code policy} section. */
  public List<Resolved> resolve(PolicyConfig base) {
    if (policies.isEmpty()) {
      return List.of(new Resolved("policy", base.backend() == PolicyConfig.Backend.DL4J && base.bundled() ? "sft" : "base",
          base));
    }
    return policies.stream().map(p -> new Resolved(p.name(), p.stage(), p.apply(base))).toList();
  }

  /** A policy of the matrix, with the settings it samples with. */
  public record Resolved(String name, String stage, PolicyConfig policy) implements java.io.Serializable {}

  /**
   * One policy of the matrix: a name for the tables, its training stage, and what differs from the
   * {@code policy} section (every other policy setting, sampling included, is that section's).
   *
   * @param name shown in the tables and the report (letters, digits, '.', '_', '-')
   * @param stage base, sft or sft_grpo
   * @param backend dl4j or openai; empty: the policy section's
   * @param checkpoint the dl4j backend's policy.checkpoint; empty: the policy section's
   *     ({@code bundled}: the default starter, bundled-hf)
   * @param baseUrl the openai backend's /v1 address; empty: the policy section's
   * @param model the openai backend's model name; empty: the policy section's
   */
  public record EvalPolicy(String name, String stage, String backend, String checkpoint, String baseUrl,
      String model) implements java.io.Serializable {

    public EvalPolicy {
      name = name == null ? "" : name.strip();
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        throw new IllegalArgumentException("eval.policies: name '" + name + "' must be 1 to 64 letters, digits, '.',"
            + " '_' or '-'");
      }
      stage = stage == null || stage.isBlank() ? "base" : stage.strip().toLowerCase(Locale.ROOT);
      if (!STAGES.contains(stage)) {
        throw new IllegalArgumentException("eval.policies '" + name + "': stage '" + stage
            + "' must be base, sft or sft_grpo");
      }
      backend = backend == null ? "" : backend.strip();
      checkpoint = checkpoint == null ? "" : checkpoint.strip();
      baseUrl = baseUrl == null ? "" : baseUrl.strip();
      model = model == null ? "" : model.strip();
    }

    PolicyConfig apply(PolicyConfig base) {
      PolicyConfig.Backend b = backend.isEmpty() ? base.backend() : PolicyConfig.Backend.parse(backend);
      if (b == PolicyConfig.Backend.REPLAY) {
        throw new IllegalArgumentException("eval.policies '" + name + "': the replay backend has nothing to say to"
            + " feedback; use dl4j or openai");
      }
      // "bundled" is the default starter (PolicyConfig resolves it); empty keeps the policy section's.
      String ckpt = checkpoint.isEmpty() ? base.checkpoint() : checkpoint;
      PolicyConfig.OpenAiConfig o = base.openai();
      if (!baseUrl.isEmpty() || !model.isEmpty()) {
        o = new PolicyConfig.OpenAiConfig(baseUrl.isEmpty() ? o.baseUrl() : baseUrl, model.isEmpty() ? o.model() : model,
            o.keyEnv(), o.keySparkConf(), o.maxConcurrency(), o.maxRetries(), o.backoffInitialMs(), o.backoffMaxMs(),
            o.timeoutSeconds(), o.logprobs(), o.sendMinP(), o.maxN());
      }
      try {
        return new PolicyConfig(b, ckpt, base.sampling(), o, base.engine(), "");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("eval.policies '" + name + "': " + e.getMessage(), e);
      }
    }
  }
}
