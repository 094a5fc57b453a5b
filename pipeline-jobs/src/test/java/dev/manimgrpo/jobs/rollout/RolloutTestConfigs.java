package dev.manimgrpo.jobs.rollout;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small, fast rollout configurations for tests: a few prompts, small groups, short completions. */
public final class RolloutTestConfigs {

  private RolloutTestConfigs() {}

  public static Map<String, String> overrides(Path dir, String runId, int prompts, int groupSize) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("rollout.dir", dir.resolve("rollouts").toString());
    m.put("rollout.run-id", runId);
    m.put("rollout.prompts-per-step", Integer.toString(prompts));
    m.put("policy.sampling.group-size", Integer.toString(groupSize));
    m.put("policy.sampling.max-tokens", "200");
    m.put("render.workers", "2");
    m.put("output.dir", dir.resolve("out").toString());
    return m;
  }

  public static PipelineConfig config(Path dir, String runId, int prompts, int groupSize, Map<String, String> extra) {
    Map<String, String> m = overrides(dir, runId, prompts, groupSize);
    m.putAll(extra);
    return ConfigLoader.load(null, m);
  }
}
