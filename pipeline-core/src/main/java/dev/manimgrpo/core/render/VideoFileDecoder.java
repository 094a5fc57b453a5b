package dev.manimgrpo.core.render;

import dev.manimgrpo.core.config.RenderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Frames of a video (or a still PNG) a user hands in, e.g. a rendered candidate for
 * {@code manim-grpo score}: copied into a fresh scratch folder and decoded at the reward frame rate
 * by the runtime's ffmpeg inside the sandbox, like any file that may come from untrusted code.
 */
public final class VideoFileDecoder implements AutoCloseable {

  private final RenderConfig config;
  private final FrameDecoder decoder;
  private final SandboxUids.Lease uidLease;
  private final Path scratch;

  public VideoFileDecoder(ManimRuntime runtime, RenderConfig config, Path scratchBase) {
    this.config = config;
    Path seccomp = SeccompFilter.forThisMachine().map(f -> f.install(scratchBase)).orElse(null);
    this.decoder = new FrameDecoder(new Sandbox(runtime), seccomp);
    this.uidLease = SandboxUids.claim(config.sandboxUidBase());
    this.scratch = scratchBase.resolve("decode-" + ProcessHandle.current().pid());
  }

  /** The file's frames at {@code render.sample-fps} and {@code render.frame-width}. */
  public VideoFrames decode(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + " is not a regular file (an .mp4, .mov, .webm, .gif or .png)");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.endsWith(".png") ? ".png" : name.contains(".") ? name.substring(name.lastIndexOf('.')) : ".mp4";
    int uid = uidLease.uid();
    FileTrees.delete(scratch);
    Sandbox.prepareScratch(scratch, uid);
    Path input = scratch.resolve("input" + ext);
    Files.copy(file, input);
    if (Sandbox.jvmIsRoot()) {
      Files.setAttribute(input, "unix:uid", uid);
      Files.setAttribute(input, "unix:gid", uid);
    }
    try {
      return decoder.decode(scratch, uid, Sandbox.SCRATCH + "/input" + ext, config.sampleFps(), config.frameWidth());
    } finally {
      FileTrees.deleteQuietly(scratch);
    }
  }

  @Override
  public void close() {
    FileTrees.deleteQuietly(scratch);
    uidLease.close();
  }
}
