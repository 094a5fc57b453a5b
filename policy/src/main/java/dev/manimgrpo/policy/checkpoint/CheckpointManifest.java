package dev.manimgrpo.policy.checkpoint;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code manifest.json}: written last, so its presence marks a complete checkpoint; it lists
 * every other file with its size and SHA-256 so a load can prove the files are the ones saved.
 *
 * @param formatVersion {@link CheckpointStore#FORMAT_VERSION} of the writer
 * @param createdAt ISO-8601 instant
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointManifest(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("step") int step,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("data") DataDescription data,
    @JsonProperty("metrics") Map<String, Double> metrics,
    @JsonProperty("files") List<FileEntry> files) {

  /** One file of the checkpoint: its name within the folder, size in bytes and lower-case hex SHA-256. */
  public record FileEntry(@JsonProperty("name") String name, @JsonProperty("size") long size,
      @JsonProperty("sha256") String sha256) {}

  public CheckpointManifest {
    metrics = metrics == null ? Map.of() : metrics;
    files = files == null ? List.of() : List.copyOf(files);
  }

  public Optional<FileEntry> file(String name) {
    return files.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
