package dev.manimgrpo.core.render;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts sandbox processes from one long-lived thread. bubblewrap's --die-with-parent uses
 * PR_SET_PDEATHSIG, which fires when the <em>thread</em> that forked the process ends, not
 * the JVM; starting from a pool or Spark task thread would kill workers when that thread is
 * retired.
 */
final class ProcessLauncher {

  private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "sandbox-launcher");
    t.setDaemon(true);
    return t;
  });

  private ProcessLauncher() {}

  static Process start(List<String> command) throws IOException {
    try {
      return LAUNCHER.submit(() -> new ProcessBuilder(command).start()).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start " + command.get(0) + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted starting " + command.get(0), e);
    }
  }
}
