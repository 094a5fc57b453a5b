package dev.manimgrpo.core.agent;

import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The study's inference strategies over any policy client and render service.
 *
 * <ul>
 *   <li><b>direct</b>: one generation, one render.
 *   <li><b>RITL</b>: up to {@code maxRounds} rounds, stopping at the first successful render; each retry
 *       is shown the task, the previous program and the render's last stderr lines.
 *   <li><b>RITL-DOC</b>: RITL whose prompts also carry the documentation of the names the previous
 *       program uses. It applies to the first generation too: the first answer is a draft (round 0,
 *       not rendered), revised with its documentation into round 1's program; every feedback round
 *       then carries the docs of the program that failed.
 * </ul>
 *
 * <p>Every round is returned, not only the last. A generation that fails (the server gave up, the
 * prompt does not fit the context) is a {@code sampling_error} round; the loop goes on with the
 * previous program, so a transient fault costs a round and not the sample.
 */
public final class ManimAgent {

  /** A round that produced no program: the policy failed, or its answer held no code. */
  public static final String SAMPLING_ERROR = "sampling_error";
  /** An answer without a program in it: nothing to render (the render status of the same name). */
  public static final String NO_CODE = "no_code";
  /** RITL-DOC's first answer, revised with its documentation before anything is rendered. */
  public static final String DRAFT = "draft";

  private final PolicyClient policy;
  private final RenderService renderer;
  private final ApiDocsSource docs;
  private final int suggestions;
  private final int related;

  /**
   * @param docs where RITL-DOC reads documentation; may be null when RITL-DOC is not used
   * @param suggestions how many close real names to propose for a missing name (0: none)
   */
  public ManimAgent(PolicyClient policy, RenderService renderer, ApiDocsSource docs, int suggestions) {
    this(policy, renderer, docs, suggestions, 0);
  }

  /**
   * @param related how many API entries about the task description RITL-DOC prompts add (0: none)
   */
  public ManimAgent(PolicyClient policy, RenderService renderer, ApiDocsSource docs, int suggestions, int related) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.docs = docs;
    this.suggestions = suggestions;
    this.related = related;
  }

  /** What the loop ended with. */
  public record Outcome(List<AgentRound> rounds, String finalCode, RenderResult finalRender, int renders) {

    /** The last rendered-or-failed round (round 0 drafts are not rounds of the loop). */
    public AgentRound last() {
      return rounds.get(rounds.size() - 1);
    }

    /** Rounds of the loop (1..K), drafts excluded. */
    public int roundsUsed() {
      return (int) rounds.stream().filter(r -> r.round() >= 1).count();
    }
  }

  /**
   * Solves one task.
   *
   * @param id a stable id of the task (the sample id): part of every generation's seed and render id
   * @param maxRounds K, the most rounds (renders) RITL may use; 1 for direct whatever is passed
   */
  public Outcome solve(String id, String task, Strategy strategy, int maxRounds, SamplingConfig sampling) {
    if (strategy.usesDocs() && docs == null) {
      throw new IllegalStateException("RITL-DOC needs an API documentation source");
    }
    int k = strategy == Strategy.DIRECT ? 1 : Math.max(1, maxRounds);
    SamplingConfig one = sampling.withGroupSize(1);
    List<AgentRound> rounds = new ArrayList<>();
    String code = "";
    List<String> errors = List.of();
    String prompt = AgentPrompts.first(task);
    RenderResult render = null;
    int renders = 0;

    // What the API search finds for the task itself: looked up once, shown in every documented round.
    List<ApiDoc> taskDocs = strategy.usesDocs() && related > 0 ? docs.relatedToTask(task, related) : List.of();
    if (strategy.usesDocs()) {
      Generated draft = generate(id, 0, prompt, one);
      rounds.add(new AgentRound(0, prompt, draft.text, draft.code,
          !draft.failed() ? DRAFT : draft.text.isEmpty() ? SAMPLING_ERROR : NO_CODE, null,
          null, draft.error == null ? "" : draft.error, List.of(), draft.promptTokens, draft.completionTokens,
          draft.seconds, 0, List.of(), List.of(), List.of(), List.of()));
      code = draft.code;
    }
    for (int round = 1; round <= k; round++) {
      Documented documented = strategy.usesDocs() ? document(code, taskDocs) : Documented.NONE;
      if (round > 1 || strategy.usesDocs()) {
        prompt = AgentPrompts.revise(task, code, errors, strategy.usesDocs() ? documented.apiInfo : null);
      }
      Generated g = generate(id, round, prompt, one);
      if (g.failed()) {
        rounds.add(new AgentRound(round, prompt, g.text, g.code, g.text.isEmpty() ? SAMPLING_ERROR : NO_CODE, null,
            null, g.error, List.of(),
            g.promptTokens, g.completionTokens, g.seconds, 0, documented.found, documented.missing,
            documented.suggested, documented.related));
        continue; // the previous program and its errors stay the next round's input
      }
      code = g.code;
      render = renderer.render(RenderRequest.frames(id + "-r" + round, code));
      renders++;
      errors = render.stderrTail();
      rounds.add(new AgentRound(round, prompt, g.text, code, render.status().wireName(), render.exceptionType(),
          render.errorLine(), render.succeeded() ? "" : render.message(), render.stderrTail(), g.promptTokens,
          g.completionTokens, g.seconds, render.wallSeconds(), documented.found, documented.missing,
          documented.suggested, documented.related));
      if (render.succeeded()) {
        break;
      }
    }
    return new Outcome(rounds, code, render, renders);
  }

  private record Generated(String text, String code, String error, int promptTokens, int completionTokens,
      double seconds) {
    boolean failed() {
      return error != null;
    }
  }

  private Generated generate(String id, int round, String prompt, SamplingConfig one) {
    // The round is the seed's "step": each round of a task samples with a seed of its own.
    GroupRequest request = new GroupRequest(id, prompt, round, List.of(0), one);
    Generation gen;
    try {
      List<Generation> got = policy.generate(request);
      gen = got.isEmpty() ? Generation.failed(0, request.seed(0), "the policy returned no completion", 0) : got.get(0);
    } catch (RuntimeException e) {
      gen = Generation.failed(0, request.seed(0), "the policy client failed: " + e, 0);
    }
    int promptTokens = gen.promptTokens();
    int completionTokens = gen.completionTokens();
    if (gen.failed()) {
      return new Generated("", "", gen.error(), promptTokens, completionTokens, gen.seconds());
    }
    ExtractedCode extracted = policy.extractCode(gen.text());
    String code = extracted == null ? "" : extracted.code();
    if (code.isBlank()) {
      return new Generated(gen.text(), "", "the answer holds no code", promptTokens, completionTokens, gen.seconds());
    }
    return new Generated(gen.text(), code, null, promptTokens, completionTokens, gen.seconds());
  }

  private record Documented(String apiInfo, List<String> found, List<String> missing, List<String> suggested,
      List<String> related) {
    static final Documented NONE = new Documented(null, List.of(), List.of(), List.of(), List.of());
  }

  private Documented document(String code, List<ApiDoc> taskDocs) {
    List<String> relatedNames = taskDocs.stream().map(ApiDoc::qualifiedName).toList();
    if (code.isBlank()) {
      return new Documented(AgentPrompts.apiInfo(new CodeDocs(List.of(), List.of(), List.of(), null), Map.of(),
          taskDocs), List.of(), List.of(), List.of(), relatedNames);
    }
    CodeDocs d = docs.docs(code);
    Map<String, List<ApiDoc>> close = new LinkedHashMap<>();
    List<String> suggested = new ArrayList<>();
    if (suggestions > 0) {
      for (String m : d.missing()) {
        List<ApiDoc> c = docs.closestNames(m, suggestions);
        close.put(m, c);
        if (!c.isEmpty()) {
          suggested.add(m + "->" + c.get(0).qualifiedName());
        }
      }
    }
    return new Documented(AgentPrompts.apiInfo(d, close, taskDocs),
        d.found().stream().map(ApiDoc::qualifiedName).toList(), d.missing(), suggested, relatedNames);
  }
}
