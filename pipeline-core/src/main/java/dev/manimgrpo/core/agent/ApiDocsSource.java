package dev.manimgrpo.core.agent;

import java.util.List;

/** Where RITL-DOC gets documentation: the installed manim, read live, and optionally an API search. */
public interface ApiDocsSource {

  /** The names a program uses and their documentation; a failure is a CodeDocs with a parse error, not an exception. */
  CodeDocs docs(String code);

  /** Real names that resemble a name the installed manim does not have, best first (none by default). */
  default List<ApiDoc> closestNames(String missingName, int k) {
    return List.of();
  }

  /** API entries about what a task description asks for, best first (none by default). */
  default List<ApiDoc> relatedToTask(String taskDescription, int k) {
    return List.of();
  }
}
