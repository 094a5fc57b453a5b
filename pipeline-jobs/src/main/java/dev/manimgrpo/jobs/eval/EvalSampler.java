package dev.manimgrpo.jobs.eval;

import dev.manimgrpo.core.agent.AgentPrompts;
import dev.manimgrpo.core.agent.AgentRound;
import dev.manimgrpo.core.agent.ManimAgent;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.render.ReferenceRenderCache;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.reward.rollout.RolloutScorer;
import dev.manimgrpo.reward.visual.VisualSimilarity;

/**
 * One evaluated sample, start to finish, inside an executor: the agent's rounds with the policy and
 * the render pool, then the final program scored against the cached reference render under both
 * visual definitions and the code metrics. A failed render scores 0 visually, as in the study.
 */
final class EvalSampler {

  private EvalSampler() {}

  static EvalSample run(ManimAgent agent, ReferenceRenderCache references, RolloutScorer scorer,
      PipelineConfig config, String evalId, String policyId, EvalTask task) {
    long t0 = System.nanoTime();
    var p = task.prompt();
    ManimAgent.Outcome out = agent.solve(p.promptId(), p.taskPrompt(), task.strategy(), config.eval().maxRounds(),
        config.policy().sampling());
    AgentRound last = out.last();
    RenderResult render = out.finalRender();
    boolean success = last.rendered() && render != null && render.succeeded();

    Double codeBleu = null;
    Double codeBertBleu = null;
    Boolean syntaxError = null;
    Double ast = null;
    double vsDefault = 0;
    double vsStudy = 0;
    if (!out.finalCode().isBlank()) {
      RenderResult reference = references.get(p.promptId(), p.referenceCode(), RenderProfile.FRAMES);
      RolloutScorer.Reference ref = scorer.prepare(p.referenceCode(), reference.succeeded() ? reference.frames() : null);
      RolloutScorer.Score s = scorer.score(ref, out.finalCode(), success ? render : null);
      codeBleu = s.code().codeBleu();
      codeBertBleu = s.code().codeBertBleu();
      syntaxError = s.code().syntaxError();
      ast = s.code().astEditDistance();
      VisualSimilarity v = s.visual();
      if (success && v != null) {
        vsDefault = v.score();
        // The study's VS is sqrt(SSIM part x CLIP part); without CLIP weights, its SSIM part.
        vsStudy = v.studyVs() != null ? v.studyVs() : v.vsStudy() != null ? v.vsStudy() : 0;
      }
    }
    long promptTokens = 0;
    long completionTokens = 0;
    double sampling = 0;
    double rendering = 0;
    for (AgentRound r : out.rounds()) {
      promptTokens = promptTokens < 0 || r.promptTokens() < 0 ? -1 : promptTokens + r.promptTokens();
      completionTokens = completionTokens < 0 || r.completionTokens() < 0 ? -1 : completionTokens + r.completionTokens();
      sampling += r.samplingSeconds();
      rendering += r.renderSeconds();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    return new EvalSample(evalId, task.policy(), task.stage(), task.strategy().wireName(), p.promptId(), p.split(),
        p.difficulty(), p.taskPrompt(), AgentPrompts.VERSION, out.roundsUsed(), last.status(), success,
        success ? null : last.exceptionType(), success ? null : last.errorLine(), out.finalCode(), vsStudy, vsDefault,
        codeBleu, codeBertBleu, syntaxError, ast, promptTokens, completionTokens, out.renders(), sampling, rendering,
        wall, policyId, render == null ? null : render.manimVersion(), out.rounds());
  }
}
