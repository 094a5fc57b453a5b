package dev.manimgrpo.core.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decodes a video (or a still PNG) into frames (luma and chroma) at a fixed rate with the runtime's
 * ffmpeg, itself run in the sandbox since the file came from untrusted code. The cold CLI
 * baseline uses it; the warm workers decode inside their own sandbox.
 */
public final class FrameDecoder {

  private static final int TIMEOUT_SECONDS = 120;
  private final Sandbox sandbox;
  private final Path seccomp;

  /** @param seccomp the seccomp program file, or null where none is available */
  public FrameDecoder(Sandbox sandbox, Path seccomp) {
    this.sandbox = sandbox;
    this.seccomp = seccomp;
  }

  /**
   * Decodes {@code fileInSandbox} (a path under {@link Sandbox#SCRATCH}) from the scratch
   * folder {@code scratch}.
   *
   * @param fps sampling rate; the fps filter takes, for each tick, the frame shown at that time
   * @param width output width, 0 for the video's own
   */
  public VideoFrames decode(Path scratch, int uid, String fileInSandbox, double fps, int width) throws IOException {
    int[] size = probeSize(scratch, uid, fileInSandbox);
    int w = size[0];
    int h = size[1];
    String filter = "fps=" + fps;
    if (width > 0 && width < w) {
      h = (int) Math.round(h * (double) width / w);
      w = width;
      filter += ",scale=" + w + ":" + h;
    }
    // Full range: Manim's black (0) stays 0 rather than the video range's 16. Planar Y, Cb, Cr.
    filter += ",scale=in_range=auto:out_range=full,format=yuv444p";
    List<String> argv = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error"));
    if (fileInSandbox.endsWith(".png")) {
      argv.addAll(List.of("-i", fileInSandbox, "-frames:v", "1"));
      filter = filter.replace("fps=" + fps + ",", "");
    } else {
      argv.addAll(List.of("-i", fileInSandbox));
    }
    argv.addAll(List.of("-vf", filter, "-f", "rawvideo", "-pix_fmt", "yuv444p", "pipe:1"));
    byte[] out = run(scratch, uid, argv);
    return VideoFrames.ofYuv444(w, h, fps, out);
  }

  private int[] probeSize(Path scratch, int uid, String file) throws IOException {
    String out = new String(run(scratch, uid, List.of("ffprobe", "-v", "error", "-select_streams", "v:0",
        "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", file)), StandardCharsets.UTF_8).strip();
    String[] parts = out.split("x");
    if (parts.length != 2) {
      throw new IOException("ffprobe could not read the size of " + file + ": '" + out + "'");
    }
    return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
  }

  private byte[] run(Path scratch, int uid, List<String> argv) throws IOException {
    Process p = ProcessLauncher.start(sandbox.command(scratch, uid, seccomp, argv));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread drain = new Thread(() -> {
      try (InputStream in = p.getErrorStream()) {
        in.transferTo(err);
      } catch (IOException ignored) {
        // process gone
      }
    });
    drain.setDaemon(true);
    drain.start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException(argv.get(0) + " timed out");
      }
      drain.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(argv.get(0) + " failed (exit " + p.exitValue() + "): "
          + err.toString(StandardCharsets.UTF_8).strip());
    }
    return out;
  }
}
