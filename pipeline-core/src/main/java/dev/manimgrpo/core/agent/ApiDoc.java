package dev.manimgrpo.core.agent;

import java.util.Objects;

/**
 * The documentation of one name of the installed manim, as its render worker read it live:
 * {@code inspect.signature} and the docstring without its Examples section.
 *
 * @param name the bare name the code used, e.g. {@code set_fill}
 * @param qualifiedName where it lives, e.g. {@code VMobject.set_fill} ({@code Circle} for a top-level name)
 * @param kind class, function, method, property or constant
 * @param signature the call signature, e.g. {@code Circle(radius=None, color=RED, **kwargs)}
 * @param doc the docstring, Examples removed, capped by the worker (empty for constants)
 */
public record ApiDoc(String name, String qualifiedName, String kind, String signature, String doc) {

  public ApiDoc {
    Objects.requireNonNull(name, "name");
    qualifiedName = qualifiedName == null ? name : qualifiedName;
    kind = kind == null ? "" : kind;
    signature = signature == null ? name : signature;
    doc = doc == null ? "" : doc;
  }
}
