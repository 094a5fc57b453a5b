package dev.manimgrpo.core.render;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Reads a file that sandboxed code may have written, from a path the host computed: only a
 * regular file under the scratch folder's real path, reached without following a link at any
 * step, and only up to a size bound. A link to a host file, a FIFO (which would block), a
 * device such as /dev/zero (which never ends) or an oversized file is refused with an
 * IOException. Call it only when no process of the sandbox is alive, so nothing changes
 * between the checks and the read.
 */
final class ScratchFiles {

  private ScratchFiles() {}

  /** The bytes of {@code root/relative}, at most {@code maxBytes} of them. */
  static byte[] read(Path root, String relative, long maxBytes) throws IOException {
    Path file = check(root, relative, maxBytes);
    try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
         InputStream in = Channels.newInputStream(ch)) {
      byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (data.length > maxBytes) {
        throw new IOException(relative + " grew past " + maxBytes + " bytes");
      }
      return data;
    }
  }

  /** Whether {@code root/relative} exists (as anything, a link included), without following links. */
  static boolean exists(Path root, String relative) {
    return Files.exists(resolve(root, relative), LinkOption.NOFOLLOW_LINKS);
  }

  /** Checks {@code root/relative} as {@link #read} does and returns its path. */
  static Path check(Path root, String relative, long maxBytes) throws IOException {
    Path realRoot = root.toRealPath();
    Path file = resolve(realRoot, relative);
    Path p = realRoot;
    for (Path part : realRoot.relativize(file)) {
      p = p.resolve(part);
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        throw new IOException(realRoot.relativize(p) + " is a link; outputs are never followed out of the scratch folder");
      }
      if (!p.equals(file) && !a.isDirectory()) {
        throw new IOException(realRoot.relativize(p) + " is not a folder");
      }
      if (p.equals(file)) {
        if (!a.isRegularFile()) {
          throw new IOException(relative + " is not a regular file (a FIFO, device or folder is never read)");
        }
        if (a.size() > maxBytes) {
          throw new IOException(relative + " has " + a.size() + " bytes, over the limit of " + maxBytes);
        }
      }
    }
    if (!file.toRealPath(LinkOption.NOFOLLOW_LINKS).startsWith(realRoot)) {
      throw new IOException(relative + " is outside the scratch folder");
    }
    return file;
  }

  private static Path resolve(Path root, String relative) {
    Path rel = Path.of(relative);
    if (rel.isAbsolute() || rel.normalize().startsWith("..") || !rel.normalize().equals(rel) || relative.isEmpty()) {
      throw new IllegalArgumentException("not a plain relative path: '" + relative + "'");
    }
    return root.resolve(rel);
  }
}
