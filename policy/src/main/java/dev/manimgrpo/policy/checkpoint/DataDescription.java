package dev.manimgrpo.policy.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * What the checkpoint was trained on, recorded so a resumed or evaluated run can check it.
 *
 * @param source the dataset path, {@code bundled}, or the rollout shard root
 * @param split the split filter (train, test, all)
 * @param examples how many examples (or rollouts) the data held
 */
public record DataDescription(@JsonProperty("source") String source, @JsonProperty("split") String split,
    @JsonProperty("examples") long examples) {

  public DataDescription {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(split, "split");
  }
}
