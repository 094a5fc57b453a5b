package dev.manimgrpo.core.preflight;

/**
 * A job cannot run because some node failed its preflight. Expected, not a bug: its message names
 * each failing node and what to install, and it carries no stack trace, so a task that throws it on
 * an executor logs one line. An {@link IllegalArgumentException}: the command lines' type for an
 * expected failure (core.cli.CommandErrors), printed as one line without a pointer to a trace.
 */
public final class PreflightException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public PreflightException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    // Where it was thrown says nothing an operator needs: the message names the node and the fix.
    return this;
  }
}
