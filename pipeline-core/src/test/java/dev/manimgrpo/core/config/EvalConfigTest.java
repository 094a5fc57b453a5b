package dev.manimgrpo.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.agent.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalConfigTest {

  @TempDir Path dir;

  @Test
  void defaultsAreTheStudysMatrixOverThePolicySection() {
    PipelineConfig c = PipelineConfig.defaults();
    assertThat(c.eval().strategyList()).containsExactly(Strategy.DIRECT, Strategy.RITL, Strategy.RITL_DOC);
    assertThat(c.eval().maxRounds()).isEqualTo(3);
    List<EvalConfig.Resolved> p = c.eval().resolve(c.policy());
    assertThat(p).hasSize(1);
    assertThat(p.get(0).name()).isEqualTo("policy");
    assertThat(p.get(0).stage()).isEqualTo("sft");
    assertThat(p.get(0).policy()).isEqualTo(c.policy());
    assertThat(c.eval().resolvedDir(c.output())).isEqualTo(c.output().dir() + "/eval");
  }

  @Test
  void policiesComeFromYamlAndOverrideOnlyWhatTheyName() throws Exception {
    Path f = dir.resolve("eval.yaml");
    Files.writeString(f, """
        policy:
          checkpoint: runs/a/train
          sampling: {temperature: 0.5}
        eval:
          strategies: [ritl-doc, direct]
          policies:
            - {name: starter, stage: sft, checkpoint: bundled}
            - {name: grpo, stage: sft_grpo}
            - {name: qwen, stage: base, backend: openai, base-url: "http://127.0.0.1:8080/v1", model: q}
        """);
    PipelineConfig c = ConfigLoader.load(f, Map.of());
    assertThat(c.eval().strategyList()).containsExactly(Strategy.RITL_DOC, Strategy.DIRECT);
    List<EvalConfig.Resolved> p = c.eval().resolve(c.policy());
    assertThat(p).extracting(EvalConfig.Resolved::name).containsExactly("starter", "grpo", "qwen");
    assertThat(p.get(0).policy().bundled()).isTrue();
    assertThat(p.get(0).policy().checkpoint()).as("'bundled' is the default starter").isEqualTo(PolicyConfig.BUNDLED_HF);
    assertThat(p.get(1).policy().checkpoint()).isEqualTo("runs/a/train");
    assertThat(p.get(2).policy().backend()).isEqualTo(PolicyConfig.Backend.OPENAI);
    assertThat(p.get(2).policy().openai().baseUrl()).isEqualTo("http://127.0.0.1:8080/v1");
    assertThat(p.get(2).policy().openai().model()).isEqualTo("q");
    for (EvalConfig.Resolved r : p) {
      assertThat(r.policy().sampling().temperature()).isEqualTo(0.5);
    }
  }

  @Test
  void theMatrixCanBeGivenOnTheCommandLine() {
    PipelineConfig c = ConfigLoader.load(null, Map.of("eval.policies",
        "[{name: a, stage: base}, {name: b, stage: sft_grpo, checkpoint: x/y}]", "eval.strategies", "[ritl]"));
    assertThat(c.eval().resolve(c.policy())).extracting(EvalConfig.Resolved::stage).containsExactly("base", "sft_grpo");
    assertThat(c.eval().strategyList()).containsExactly(Strategy.RITL);
  }

  @Test
  void mistakesNameTheKeyAndWhatToDo() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.policies", "[{name: a, stage: rl}]")))
        .hasMessageContaining("eval.policies 'a': stage 'rl' must be base, sft or sft_grpo");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.policies", "[{name: a}, {name: a}]")))
        .hasMessageContaining("the name 'a' is used twice");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.strategies", "[agentic]")))
        .hasMessageContaining("eval.strategies: unknown strategy 'agentic': use direct, ritl or ritl_doc");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.policies", "[{name: a, temperature: 1}]")))
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.max-rounds", "0")))
        .hasMessageContaining("eval.max-rounds must be >= 1");
    PipelineConfig c = ConfigLoader.load(null, Map.of("eval.policies", "[{name: o, backend: openai}]"));
    assertThatThrownBy(() -> c.eval().resolve(c.policy()))
        .hasMessageContaining("eval.policies 'o': policy.backend is openai but policy.openai.base-url is empty");
  }

  @Test
  void studyScoresRenderAtTheStudyWidth() {
    PipelineConfig c = PipelineConfig.defaults().withStudyScores();
    assertThat(c.reward().visual().study()).isTrue();
    assertThat(c.render().frameWidth()).isEqualTo(c.reward().visual().studyWidth());
  }
}
