package dev.manimgrpo.core.rollout;

import java.util.Objects;

/**
 * One full row of a rollout shard as the rollout job writes it: the columns the trainer reads and
 * the columns analysts (and verl-style trainers) read.
 */
public record RolloutRecord(RolloutRow row, RolloutDetails details) implements java.io.Serializable {

  public RolloutRecord {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(details, "details");
  }
}
