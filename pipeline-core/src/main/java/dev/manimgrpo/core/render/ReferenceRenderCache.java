package dev.manimgrpo.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.RenderConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference renders, done once: results are stored under a content address made of the
 * code, the manim version, the quality, the profile and the frame sampling settings, so a
 * reference is rendered once and reused by every later run and job that shares the folder.
 * Entries are written to a temporary folder and moved into place atomically, so concurrent
 * executors never see half an entry.
 */
public final class ReferenceRenderCache {

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceRenderCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final RenderService service;
  private final RenderConfig config;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /**
   * @param service a service of role {@link RenderPoolRole#REFERENCE}: workers that never ran
   *     candidate code, so no rollout can influence a reference or the entry it becomes
   */
  public ReferenceRenderCache(Path dir, RenderService service, RenderConfig config) {
    if (service.role() != RenderPoolRole.REFERENCE) {
      throw new IllegalArgumentException("reference renders need a render pool of role REFERENCE (workers that never"
          + " run candidate code), got " + service.role());
    }
    this.dir = dir;
    this.service = service;
    this.config = config;
  }

  /** The content address of a render of {@code code} with this cache's settings. */
  public String key(String code, RenderProfile profile) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // The worker script's digest: a change to how renders are made invalidates old entries.
      String settings = String.join("\u0000", "v4", RenderWorkerPool.workerScriptDigest(), service.manimVersion(),
          config.quality(), profile.name(),
          Double.toString(config.sampleFps()), Integer.toString(config.frameWidth()));
      sha.update(settings.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(code.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A reference render and where it came from.
   *
   * @param result the render
   * @param key its content address
   * @param cached true when it was served from the cache
   */
  public record Lookup(RenderResult result, String key, boolean cached) {}

  /** The cached reference render of {@code code}, rendering it first when absent. */
  public RenderResult get(String id, String code, RenderProfile profile) {
    return lookup(id, code, profile).result();
  }

  /** Like {@link #get} but also says whether it was a cache hit, and under which key. */
  public Lookup lookup(String id, String code, RenderProfile profile) {
    String key = key(code, profile);
    Path entry = dir.resolve(key.substring(0, 2)).resolve(key);
    if (Files.isRegularFile(entry.resolve("meta.json"))) {
      try {
        RenderResult cached = read(id, entry);
        hits.incrementAndGet();
        return new Lookup(cached, key, true);
      } catch (IOException | RuntimeException e) {
        LOG.warn("reference cache entry {} is unreadable ({}); rendering again", entry, e.getMessage());
      }
    }
    misses.incrementAndGet();
    Path keep = profile == RenderProfile.VIDEO ? tempDir(entry).resolve("video") : null;
    RenderResult fresh = service.render(new RenderRequest(id, code, null, profile, keep));
    if (fresh.status() == RenderStatus.SANDBOX_ERROR) {
      return new Lookup(fresh, key, false); // not the code's fault: do not remember it
    }
    write(entry, fresh, keep == null ? null : keep.getParent());
    try {
      RenderResult stored = read(id, entry);
      // keep this render's own timings: it was not served from the cache
      return new Lookup(new RenderResult(id, stored.status(), stored.exceptionType(), stored.errorLine(), stored.message(),
          stored.stderrTail(), stored.sceneName(), stored.videoFile(), stored.frames(), stored.durationSeconds(),
          fresh.renderSeconds(), fresh.wallSeconds(), stored.manimVersion(), stored.layout()), key, false);
    } catch (IOException | RuntimeException e) {
      return new Lookup(fresh, key, false);
    }
  }

  /**
   * How long the cached render of {@code code} took, without rendering it when absent: a cost estimate
   * for scheduling (the rollout job starts long groups first). Empty when not cached or unreadable.
   */
  public java.util.OptionalDouble cachedRenderSeconds(String code, RenderProfile profile) {
    String key = key(code, profile);
    Path meta = dir.resolve(key.substring(0, 2)).resolve(key).resolve("meta.json");
    try {
      JsonNode m = JSON.readTree(meta.toFile());
      double s = m.path("render_s").asDouble(Double.NaN);
      return Double.isFinite(s) && s >= 0 ? java.util.OptionalDouble.of(s) : java.util.OptionalDouble.empty();
    } catch (IOException | RuntimeException e) {
      return java.util.OptionalDouble.empty();
    }
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  private Path tempDir(Path entry) {
    try {
      Files.createDirectories(entry.getParent());
      return Files.createTempDirectory(entry.getParent(), ".tmp-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the reference cache " + dir, e);
    }
  }

  private void write(Path entry, RenderResult r, Path staged) {
    Path tmp = staged != null ? staged : tempDir(entry);
    try {
      ObjectNode meta = JSON.createObjectNode()
          .put("status", r.status().wireName())
          .put("exception_type", r.exceptionType())
          .put("message", r.message())
          .put("scene", r.sceneName())
          .put("duration_s", r.durationSeconds())
          .put("render_s", r.renderSeconds())
          .put("manim_version", r.manimVersion());
      if (r.errorLine() != null) {
        meta.put("error_line", r.errorLine());
      }
      meta.putArray("stderr_tail").addAll(r.stderrTail().stream().map(JSON.getNodeFactory()::textNode).toList());
      if (r.layout() != null) {
        meta.set("layout", r.layout().toJson(JSON));
      }
      if (r.videoFile() != null) {
        meta.put("video", "video/" + r.videoFile().getFileName());
      }
      if (r.frames() != null) {
        meta.put("frame_width", r.frames().width()).put("frame_height", r.frames().height())
            .put("frame_count", r.frames().count()).put("fps", r.frames().fps());
        Files.write(tmp.resolve("frames.gray"), r.frames().gray());
        if (r.frames().hasColour()) {
          Files.write(tmp.resolve("frames.chroma"), r.frames().chroma());
        }
      }
      Files.writeString(tmp.resolve("meta.json"), JSON.writeValueAsString(meta));
      try {
        Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
        FileTrees.deleteQuietly(tmp); // another executor stored the same render first
      }
    } catch (IOException e) {
      LOG.warn("could not store reference render {}: {}", entry, e.getMessage());
      FileTrees.deleteQuietly(tmp);
    }
  }

  private RenderResult read(String id, Path entry) throws IOException {
    JsonNode m = JSON.readTree(entry.resolve("meta.json").toFile());
    VideoFrames frames = null;
    if (m.has("frame_count")) {
      frames = new VideoFrames(m.get("frame_width").asInt(), m.get("frame_height").asInt(), m.get("fps").asDouble(),
          m.get("frame_count").asInt(), Files.readAllBytes(entry.resolve("frames.gray")),
          Files.exists(entry.resolve("frames.chroma")) ? Files.readAllBytes(entry.resolve("frames.chroma")) : null);
    }
    List<String> tail = new ArrayList<>();
    m.path("stderr_tail").forEach(n -> tail.add(n.asText()));
    Path video = m.hasNonNull("video") ? entry.resolve(m.get("video").asText()) : null;
    return new RenderResult(id, RenderStatus.fromWire(m.path("status").asText()), m.path("exception_type").asText(null),
        m.hasNonNull("error_line") ? m.get("error_line").asInt() : null, m.path("message").asText(""), tail,
        m.path("scene").asText(null), video, frames, m.path("duration_s").asDouble(), m.path("render_s").asDouble(), 0,
        m.path("manim_version").asText(), LayoutReport.fromJson(m.get("layout")));
  }

}
