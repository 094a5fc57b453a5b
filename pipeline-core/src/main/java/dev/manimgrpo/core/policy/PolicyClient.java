package dev.manimgrpo.core.policy;

import dev.manimgrpo.core.code.CodeExtractor;
import dev.manimgrpo.core.code.ExtractedCode;
import java.util.List;

/**
 * Whatever writes Manim code for a prompt: the project's own DL4J policy in the executor JVM, or an
 * OpenAI-compatible server. Spark-free and DL4J-free, so the rollout and evaluation jobs, the
 * agent loops and tests depend on this interface alone.
 *
 * <p>Implementations are used by many task threads at once and must be thread-safe. A group that
 * cannot be sampled is not an exception: {@link #generate} returns failed {@link Generation}s
 * carrying the reason, so a failed request becomes rows with a status, never a lost group.
 */
public interface PolicyClient extends AutoCloseable {

  /** Recorded in every rollout row: the backend and what it loaded, e.g. {@code hf:bundled-hf:bf7e796fa56429e1 (prompt manim-code-v1)}. */
  String policyId();

  /**
   * Whether this project's trainer can reproduce the token ids and log-probs of this client's
   * generations (same tokenizer, same model); false for a server with its own tokenizer.
   */
  boolean trainerReproducible();

  /**
   * The completions of one group, one per requested rollout index, in the request's order.
   * Completion {@code i} depends only on (sampling seed, prompt id, step, rollout index i) and the
   * policy, not on which other requests run beside it.
   */
  List<Generation> generate(GroupRequest request);

  /**
   * The program in one of this client's completions. By default the answer is parsed like any
   * model's ({@link CodeExtractor}: tags, fences, plain code); the project's own policy continues
   * its prompt template instead.
   */
  default ExtractedCode extractCode(String completionText) {
    return CodeExtractor.extract(completionText);
  }

  @Override
  default void close() {}
}
