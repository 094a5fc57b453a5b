package dev.manimgrpo.policy.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.preflight.CheckResult;
import dev.manimgrpo.core.preflight.Preflight;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Nd4jNativeCheckTest {

  @Test
  void theDl4jBackendNeedsNd4jAndItLoadsHere() {
    PipelineConfig dl4j = PipelineConfig.defaults();
    Nd4jNativeCheck check = new Nd4jNativeCheck();

    assertThat(check.appliesTo(dl4j)).isTrue();
    List<CheckResult> results = check.run(dl4j);
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).as(r.toString()).isEqualTo(CheckResult.Status.OK);
      assertThat(r.detail()).contains("CpuBackend");
    });
  }

  @Test
  void anOpenAiPolicyDoesNotNeedNd4j() {
    PipelineConfig openai = ConfigLoader.load(null, Map.of("policy.backend", "openai",
        "policy.openai.base-url", "http://127.0.0.1:1/v1"));

    assertThat(new Nd4jNativeCheck().appliesTo(openai)).isFalse();
  }

  @Test
  void theCorePreflightFindsItOnTheClassPath() {
    assertThat(Preflight.checks()).anyMatch(c -> c instanceof Nd4jNativeCheck);
  }
}
