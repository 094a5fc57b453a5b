package dev.manimgrpo.core.render;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Hands out sandbox uids, one per worker, unique on the host. RLIMIT_NPROC counts every
 * process of a uid host-wide, so two workers sharing a uid (two executor JVMs on one node,
 * or a reference and a candidate pool) would let one render's fork bomb starve the other's
 * renders. A uid is claimed by locking {@code <uid>.lock} in a host-wide folder; the lock is
 * held while the worker lives and the kernel releases it when the JVM exits, however it exits.
 * Only a root JVM switches uids; otherwise the sandbox runs as the JVM's own user.
 */
final class SandboxUids {

  /** How many uids from {@code render.sandbox-uid-base} on may be claimed. */
  static final int RANGE = 1000;

  /**
   * Uids this JVM holds. Checked before a lock file is opened: closing any channel of a file
   * drops every POSIX lock this process holds on it, so a probe of our own uid would free it.
   */
  private static final java.util.Set<Integer> HELD = new java.util.HashSet<>();

  private SandboxUids() {}

  /** A claimed uid; closing it gives it back. */
  static final class Lease implements AutoCloseable {
    private final int uid;
    private final FileChannel channel;

    private Lease(int uid, FileChannel channel) {
      this.uid = uid;
      this.channel = channel;
    }

    int uid() {
      return uid;
    }

    @Override
    public void close() {
      if (channel != null) {
        synchronized (SandboxUids.class) {
          if (HELD.remove(uid)) {
            try {
              channel.close(); // releases the lock
            } catch (IOException ignored) {
              // already gone
            }
          }
        }
      }
    }
  }

  /** Claims the lowest free uid from {@code base} on (or {@code base} itself when the JVM is not root). */
  static synchronized Lease claim(int base) {
    if (!Sandbox.jvmIsRoot()) {
      return new Lease(base, null);
    }
    Path dir = lockDir();
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      for (int uid = base; uid < base + RANGE; uid++) {
        if (HELD.contains(uid)) {
          continue;
        }
        FileChannel ch = FileChannel.open(dir.resolve(uid + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock != null) {
          HELD.add(uid);
          return new Lease(uid, ch);
        }
        ch.close(); // held by another process: this process held no lock on it to lose
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot claim a sandbox uid in " + dir + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("every sandbox uid from " + base + " to " + (base + RANGE - 1)
        + " is held by a live worker on this host (" + dir + "); stop some, or move render.sandbox-uid-base");
  }

  private static Path lockDir() {
    String configured = System.getProperty("manimgrpo.sandbox-uid-lock-dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path runLock = Path.of("/run/lock");
    return Files.isDirectory(runLock) ? runLock.resolve("manim-grpo-uids") : Path.of("/tmp/manim-grpo-uids");
  }
}
