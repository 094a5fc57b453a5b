package dev.manimgrpo.core.policy;

import java.util.List;

/**
 * The task as chat messages: what an OpenAI-compatible server is sent, and the {@code prompt}
 * column verl-style trainers read from a shard. The user message is {@link PromptTemplate#render},
 * the same text the project's own policy continues, so every backend sees one prompt.
 */
public final class ChatPrompt {

  /** The system message: the answer format the code extractor expects. */
  public static final String SYSTEM = "You write Manim Community Edition animations in Python. Answer with one"
      + " complete program in a single ```python code block: `from manim import *` and one Scene subclass with a"
      + " construct() method.";

  /** One chat message. */
  public record Message(String role, String content) implements java.io.Serializable {}

  private ChatPrompt() {}

  /** System message, then the task as the user's message. */
  public static List<Message> messages(String taskPrompt) {
    return List.of(new Message("system", SYSTEM), new Message("user", PromptTemplate.render(taskPrompt)));
  }
}
