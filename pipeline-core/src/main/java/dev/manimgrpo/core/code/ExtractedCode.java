package dev.manimgrpo.core.code;

import java.util.Objects;

/**
 * Python code taken out of a model's answer.
 *
 * @param code the module source ("" when none was found)
 * @param method how it was found
 */
public record ExtractedCode(String code, Method method) {

  /** Where the code came from in the answer. */
  public enum Method {
    /** Between {@code <CODE>} and {@code </CODE>} tags. */
    CODE_TAG,
    /** A fenced block marked python/py/python3. */
    FENCED_PYTHON,
    /** A fenced block with no or another language mark. */
    FENCED,
    /** No markup: the answer, from its first line of code, is the code. */
    PLAIN,
    /** The project's prompt template: the completion continues an open python fence and the code is
     * everything before the closing fence ({@code PromptTemplate.extractCode}). */
    TEMPLATE,
    /** Nothing that looks like code. */
    NONE
  }

  public ExtractedCode {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(method, "method");
  }

  public boolean found() {
    return method != Method.NONE && !code.isBlank();
  }
}
