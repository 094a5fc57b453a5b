package dev.manimgrpo.core.eval;

import dev.manimgrpo.core.agent.AgentRound;
import java.util.ArrayList;
import java.util.List;

/**
 * Test samples with only the fields a test cares about: rounds are given as their statuses, the final
 * status, success and round count follow from them. Public: pipeline-jobs' report tests use it too.
 */
public final class EvalSampleBuilder {

  private final String policy;
  private final String stage;
  private final String strategy;
  private final String promptId;
  private List<String> statuses = List.of("rendered");
  private String errorClass;
  private String code = "from manim import *\n\nclass S(Scene):\n    def construct(self):\n        pass\n";
  private List<String> stderr = List.of();
  private double vsStudy;
  private double vsDefault;
  private Double codeBleu;
  private long promptTokens = -1;
  private long completionTokens = -1;
  private Integer renders;
  private double wallSeconds = 1;
  private boolean draft;

  private EvalSampleBuilder(String policy, String stage, String strategy, String promptId) {
    this.policy = policy;
    this.stage = stage;
    this.strategy = strategy;
    this.promptId = promptId;
  }

  public static EvalSampleBuilder sample(String policy, String stage, String strategy, String promptId) {
    return new EvalSampleBuilder(policy, stage, strategy, promptId);
  }

  /** A RITL-DOC draft (round 0, never rendered) before the rounds. */
  public EvalSampleBuilder draft() {
    this.draft = true;
    return this;
  }

  /** Each round's status, in order; the last is the final status. */
  public EvalSampleBuilder rounds(String... statuses) {
    this.statuses = List.of(statuses);
    return this;
  }

  /** The final round's exception type (earlier failed rounds get it too). */
  public EvalSampleBuilder error(String errorClass) {
    this.errorClass = errorClass;
    return this;
  }

  /** Every round's program. */
  public EvalSampleBuilder code(String code) {
    this.code = code;
    return this;
  }

  /** Every failed round's stderr tail. */
  public EvalSampleBuilder stderr(String... lines) {
    this.stderr = List.of(lines);
    return this;
  }

  public EvalSampleBuilder vs(double study, double dflt) {
    this.vsStudy = study;
    this.vsDefault = dflt;
    return this;
  }

  public EvalSampleBuilder codeBleu(Double codeBleu) {
    this.codeBleu = codeBleu;
    return this;
  }

  public EvalSampleBuilder tokens(long prompt, long completion) {
    this.promptTokens = prompt;
    this.completionTokens = completion;
    return this;
  }

  /** Renders the sample cost (default: one per round). */
  public EvalSampleBuilder renders(int renders) {
    this.renders = renders;
    return this;
  }

  public EvalSampleBuilder wall(double seconds) {
    this.wallSeconds = seconds;
    return this;
  }

  public EvalSample build() {
    List<AgentRound> rounds = new ArrayList<>();
    if (draft) {
      rounds.add(new AgentRound(0, "task " + promptId, "draft", code, "draft", null, null, "", List.of(), -1, -1, 0.5,
          0, List.of(), List.of(), List.of(), List.of()));
    }
    for (int i = 0; i < statuses.size(); i++) {
      String status = statuses.get(i);
      boolean ok = "rendered".equals(status);
      rounds.add(new AgentRound(i + 1, "task " + promptId + " round " + (i + 1), "```python\n" + code + "```", code,
          status, ok ? null : errorClass, ok ? null : 3, ok ? "" : status + " in round " + (i + 1),
          ok ? List.of() : stderr, -1, -1, 0.5, 0.5, List.of(), List.of(), List.of(), List.of()));
    }
    String last = statuses.get(statuses.size() - 1);
    boolean success = "rendered".equals(last);
    return new EvalSample("eval-test", policy, stage, strategy, promptId, "test", "Basic", "task " + promptId, "v1",
        statuses.size(), last, success, success ? null : errorClass, success ? null : 3, code, vsStudy, vsDefault,
        codeBleu, null, false, null, promptTokens, completionTokens, renders == null ? statuses.size() : renders,
        0.5 * statuses.size(), 0.5 * statuses.size(), wallSeconds, "policy-id", "0.19.0", rounds);
  }
}
