package dev.manimgrpo.trainer.data;

/** A rollout shard that cannot be used as it is; the message names the file, row and column. */
public final class RolloutShardFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public RolloutShardFormatException(String message) {
    super(message);
  }
}
