package dev.manimgrpo.policy.hf.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sharding as huggingface_hub splits a state dict, and max_shard_size as transformers reads it. */
class ShardPlanTest {

  @Test
  void aNewShardStartsWhenTheNextTensorWouldPassTheLimitAndABigTensorGetsItsOwn() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put("a", 40L);
    sizes.put("b", 60L);
    sizes.put("c", 1L);
    sizes.put("huge", 250L);
    sizes.put("d", 30L);
    sizes.put("e", 100L);
    LinkedHashMap<String, List<String>> plan = ShardPlan.plan(sizes, 100);
    assertThat(plan).containsExactly(
        Map.entry("model-00001-of-00004.safetensors", List.of("a", "b")),
        Map.entry("model-00002-of-00004.safetensors", List.of("huge")),
        Map.entry("model-00003-of-00004.safetensors", List.of("c", "d")),
        Map.entry("model-00004-of-00004.safetensors", List.of("e")));
  }

  @Test
  void everythingUnderTheLimitIsOneModelSafetensors() {
    assertThat(ShardPlan.plan(Map.of("x", 10L), ShardPlan.DEFAULT_MAX_SHARD_BYTES))
        .containsExactly(Map.entry("model.safetensors", List.of("x")));
  }

  @Test
  void sizesReadAsTransformersReadsThem() {
    assertThat(ShardPlan.parseSize("5GB")).isEqualTo(5_000_000_000L);
    assertThat(ShardPlan.parseSize("200KB")).isEqualTo(200_000L);
    assertThat(ShardPlan.parseSize("1GiB")).isEqualTo(1L << 30);
    assertThat(ShardPlan.parseSize("3mib")).isEqualTo(3L << 20);
    assertThat(ShardPlan.parseSize("12345")).isEqualTo(12345L);
    assertThatThrownBy(() -> ShardPlan.parseSize("1.5GB")).hasMessageContaining("e.g. 5GB");
    assertThatThrownBy(() -> ShardPlan.parseSize("0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardPlan.plan(Map.of("x", 1L), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
