package dev.manimgrpo.core.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Names of runs and groups: functions of what they hold, so a rerun names them the same. */
public final class RolloutIds {

  private RolloutIds() {}

  /** A GRPO group (verl's uid): all rollouts of one prompt at one step of one run. */
  public static String groupUid(String runId, int step, String promptId) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((runId + "\u0000" + step + "\u0000" + promptId).getBytes(StandardCharsets.UTF_8));
      return "g-" + HexFormat.of().formatHex(d.digest()).substring(0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new run's id, e.g. {@code rollout-20261201-061500}. */
  public static String newRunId(String prefix) {
    return prefix + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }
}
