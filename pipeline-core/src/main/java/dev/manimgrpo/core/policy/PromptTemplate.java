package dev.manimgrpo.core.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one prompt/completion template of the policy, shared by SFT training and rollout
 * generation. Both must produce the same text, byte for byte, or the model is asked something at
 * rollout time that it never saw in training; hence one class, written down once.
 *
 * <p>Version {@value #VERSION}. A training example is
 *
 * <pre>
 * &lt;bos&gt; ### Task\n{task}\n\n### Manim code (Python, one Scene class)\n```python\n   &lt;- {@link #render}
 *       {code}\n```                                                                &lt;- {@link #completion}
 *       &lt;eos&gt;
 * </pre>
 *
 * where the tokenizer adds bos and eos as special ids (they are not text). The loss covers the
 * completion and eos. At rollout the model is fed bos + the rendered prompt and generation stops at
 * eos or at a {@linkplain #stopSequences() stop sequence}; {@link #extractCode} turns what was
 * generated back into a program.
 *
 * <p>Normalisation, applied the same way on both sides: line endings become {@code \n} (CRLF and
 * lone CR), the task is stripped of surrounding whitespace, and code loses leading blank lines and
 * trailing whitespace and ends with exactly one {@code \n}. Code whose text would contain the stop
 * sequence ({@code \n```} anywhere, or a first line starting with {@code ```}) cannot be a training
 * completion: generation would stop there.
 */
public final class PromptTemplate {

  /** Recorded with checkpoints and rollouts; change it whenever the text below changes. */
  public static final String VERSION = "manim-code-v1";

  static final String TASK_HEADER = "### Task\n";
  static final String CODE_HEADER = "\n\n### Manim code (Python, one Scene class)\n```python\n";
  /** Closes the code block; the model emits it before eos. */
  public static final String STOP = "\n```";

  private static final Pattern LEADING_BLANK_LINES = Pattern.compile("\\A(?:[ \\t\\f]*\\n)+");

  private PromptTemplate() {}

  /** The prompt text for a task description; the model continues it with code. */
  public static String render(String taskPrompt) {
    if (taskPrompt == null || taskPrompt.isBlank()) {
      throw new IllegalArgumentException("task prompt is blank");
    }
    return TASK_HEADER + normalizeNewlines(taskPrompt).strip() + CODE_HEADER;
  }

  /**
   * The completion text for a program: the normalised code without its final newline, then
   * {@link #STOP}. No eos: the tokenizer appends its eos id.
   *
   * @throws IllegalArgumentException for blank code, or code containing the stop sequence
   */
  public static String completion(String code) {
    String c = normalizeCode(code);
    if (c.isEmpty()) {
      throw new IllegalArgumentException("code is blank");
    }
    // The prompt ends in "\n", so a first line starting with ``` would also close the block.
    if (("\n" + c).contains(STOP)) {
      throw new IllegalArgumentException("code contains the stop sequence \\n``` and cannot be a completion");
    }
    return c.substring(0, c.length() - 1) + STOP;
  }

  /** Strings whose appearance in generated text ends the completion. */
  public static List<String> stopSequences() {
    return List.of(STOP);
  }

  /**
   * Index in {@code generated} (text after the prompt, as generated: LF line ends) where a stop
   * sequence begins, or -1. A completion that starts with {@code ```} stops at 0: with the prompt's
   * final newline it is one. Samplers call this on the growing text to stop early.
   */
  public static int stopIndex(String generated) {
    if (generated.startsWith(STOP.substring(1))) {
      return 0;
    }
    return generated.indexOf(STOP);
  }

  /**
   * The program in a generated completion: everything before the first stop sequence (all of it
   * when generation ended without one, e.g. at the token limit), normalised like training code.
   * Returns "" when nothing but whitespace was generated.
   */
  /** The program of a completion of this template, with how it was found (none when blank). */
  public static dev.manimgrpo.core.code.ExtractedCode extracted(String generated) {
    String code = extractCode(generated);
    return new dev.manimgrpo.core.code.ExtractedCode(code, code.isBlank()
        ? dev.manimgrpo.core.code.ExtractedCode.Method.NONE : dev.manimgrpo.core.code.ExtractedCode.Method.TEMPLATE);
  }

  public static String extractCode(String generated) {
    String g = normalizeNewlines(generated == null ? "" : generated);
    int stop = stopIndex(g);
    return normalizeCode(stop < 0 ? g : g.substring(0, stop));
  }

  /** Code as the template carries it: {@code \n} line ends, no leading blank lines, one final newline; "" if blank. */
  public static String normalizeCode(String code) {
    if (code == null) {
      return "";
    }
    String c = LEADING_BLANK_LINES.matcher(normalizeNewlines(code)).replaceFirst("").stripTrailing();
    return c.isEmpty() ? "" : c + "\n";
  }

  /** CRLF and lone CR become LF. */
  public static String normalizeNewlines(String s) {
    return s.indexOf('\r') < 0 ? s : s.replace("\r\n", "\n").replace('\r', '\n');
  }
}
