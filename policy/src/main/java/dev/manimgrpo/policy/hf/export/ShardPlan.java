package dev.manimgrpo.policy.hf.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How transformers' {@code save_pretrained} splits weights into shards (huggingface_hub's
 * {@code split_state_dict_into_shards}): tensors in order, a new shard when the next tensor would
 * take the current one past the limit, a tensor larger than the limit alone in its own shard.
 * One shard is {@code model.safetensors} with no index; more are {@code
 * model-00001-of-0000N.safetensors} listed by {@code model.safetensors.index.json}.
 */
public final class ShardPlan {

  /** transformers 4's default {@code max_shard_size}, 5 GB (decimal). */
  public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

  private ShardPlan() {}

  /**
   * The shards' file names, each with its tensor names in order.
   *
   * @param tensorBytes each tensor's size in bytes, in writing order
   */
  public static LinkedHashMap<String, List<String>> plan(Map<String, Long> tensorBytes,
      long maxShardBytes) {
    if (maxShardBytes < 1) {
      throw new IllegalArgumentException("max shard size must be positive, got " + maxShardBytes);
    }
    List<List<String>> shards = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long currentBytes = 0;
    for (Map.Entry<String, Long> e : tensorBytes.entrySet()) {
      long size = e.getValue();
      if (size > maxShardBytes) {
        shards.add(List.of(e.getKey()));
        continue;
      }
      if (currentBytes + size > maxShardBytes && !current.isEmpty()) {
        shards.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(e.getKey());
      currentBytes += size;
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    LinkedHashMap<String, List<String>> named = new LinkedHashMap<>();
    for (int i = 0; i < shards.size(); i++) {
      named.put(shards.size() == 1 ? "model.safetensors"
          : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size()),
          List.copyOf(shards.get(i)));
    }
    return named;
  }

  /**
   * A size as transformers' {@code max_shard_size} takes it: bytes, or an integer with KB, MB, GB
   * (powers of 1000) or KiB, MiB, GiB (powers of 1024), case-insensitive: "5GB", "200KB", "1GiB".
   */
  public static long parseSize(String text) {
    String s = text.trim().toUpperCase(Locale.ROOT);
    String[][] units = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
        {"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"}, {"B", "1"}};
    long factor = 1;
    for (String[] u : units) {
      if (s.endsWith(u[0])) {
        factor = Long.parseLong(u[1]);
        s = s.substring(0, s.length() - u[0].length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(s);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, factor);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a shard size: \"" + text
          + "\"; expected a positive integer of bytes, or with KB, MB, GB, KiB, MiB, GiB (e.g. 5GB)");
    }
  }
}
