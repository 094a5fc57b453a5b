package dev.manimgrpo.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.RuntimeConfig.RuntimeMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void defaultsComeFromTheReferenceFile() {
    PipelineConfig c = PipelineConfig.defaults();
    assertThat(c.render().timeoutSeconds()).isEqualTo(300);
    assertThat(c.render().sampleFps()).isEqualTo(5.0);
    assertThat(c.render().stderrLines()).isEqualTo(10);
    assertThat(c.render().quality()).isEqualTo("low_quality");
    assertThat(c.runtime().mode()).isEqualTo(RuntimeMode.SANDBOX_ROOT);
    assertThat(c.dataset().promptColumn()).isEqualTo("Reviewed Description");
    assertThat(c.dataset().bundled()).isTrue();
  }

  @Test
  void fileOverridesDefaultsAndConfOverridesTheFile() throws Exception {
    Path yaml = dir.resolve("run.yaml");
    Files.writeString(yaml, "render:\n  workers: 6\n  timeout-seconds: 60\nruntime:\n  mode: host\n");
    PipelineConfig c = ConfigLoader.load(yaml, Map.of("render.workers", "3", "dataset.split", "test"));
    assertThat(c.render().workers()).isEqualTo(3);
    assertThat(c.render().timeoutSeconds()).isEqualTo(60);
    assertThat(c.render().cpuSeconds()).isEqualTo(300);
    assertThat(c.runtime().mode()).isEqualTo(RuntimeMode.HOST);
    assertThat(c.dataset().split()).isEqualTo("test");
  }

  @Test
  void jsonFilesWorkToo() throws Exception {
    Path json = dir.resolve("run.json");
    Files.writeString(json, "{\"render\": {\"sample-fps\": 2.5}}");
    assertThat(ConfigLoader.load(json, Map.of()).render().sampleFps()).isEqualTo(2.5);
  }

  @Test
  void unknownKeysAreNamedWithTheValidOnes() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.worker", "3")))
        .hasMessageContaining("render.worker").hasMessageContaining("render.workers");
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "rendr:\n  workers: 2\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
        .hasMessageContaining("'rendr'").hasMessageContaining("render");
  }

  @Test
  void badValuesSayWhichKeyAndWhatIsAllowed() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.workers", "0")))
        .hasMessageContaining("render.workers must be > 0");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("runtime.mode", "docker")))
        .hasMessageContaining("sandbox-root or host");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("dataset.prompt-column", "Code")))
        .hasMessageContaining("dataset.prompt-column");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render", "3")))
        .hasMessageContaining("is a section");
  }

  @Test
  void vsStudyNeedsRewardFramesAtLeastItsWidth() {
    assertThat(PipelineConfig.defaults().render().frameWidth()).isEqualTo(214);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("reward.visual.study", "true")))
        .hasMessageContaining("reward.visual.study-width=427").hasMessageContaining("render.frame-width=214")
        .hasMessageContaining("set render.frame-width to 427");
    assertThat(ConfigLoader.load(null, Map.of("reward.visual.study", "true", "render.frame-width", "427"))
        .reward().visual().study()).isTrue();
    assertThat(ConfigLoader.load(null, Map.of("reward.visual.study", "true", "render.frame-width", "0"))
        .render().frameWidth()).isZero();
  }

  @Test
  void secretLookingSparkSettingsAreMaskedWhenPrinted() {
    PipelineConfig c = ConfigLoader.load(null, Map.of("spark.conf", "{spark.hadoop.fs.s3a.secret.key: hunter2, spark.hadoop.fs.s3a.endpoint: http://127.0.0.1:9000}"));
    assertThat(c.spark().conf()).containsEntry("spark.hadoop.fs.s3a.secret.key", "hunter2");
    String printed = ConfigLoader.toYaml(c);
    assertThat(printed).doesNotContain("hunter2").contains("*****").contains("http://127.0.0.1:9000");
    PipelineConfig one = ConfigLoader.load(null, Map.of("spark.conf.spark.hadoop.fs.s3a.path.style.access", "true"));
    assertThat(one.spark().conf()).containsExactly(Map.entry("spark.hadoop.fs.s3a.path.style.access", "true"));
    PipelineConfig session = ConfigLoader.load(null, Map.of("spark.conf", "{spark.hadoop.fs.s3a.session.token: t0k3n}"));
    assertThat(ConfigLoader.toYaml(session)).doesNotContain("t0k3n");
    // Counting tokens is not a secret.
    assertThat(ConfigLoader.toYaml(PipelineConfig.defaults())).contains("max-tokens: 512");
  }

  @Test
  void configPrintsAsYamlThatLoadsBack() throws Exception {
    PipelineConfig c = ConfigLoader.load(null, Map.of("render.workers", "5"));
    Path yaml = dir.resolve("echo.yaml");
    Files.writeString(yaml, ConfigLoader.toYaml(c));
    assertThat(ConfigLoader.load(yaml, Map.of())).isEqualTo(c);
  }

  @Test
  void theOpenaiBackendWithoutAServerSaysWhichKeyToSet() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.backend", "openai")))
        .hasMessageContaining("policy.openai.base-url");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.backend", "vllm")))
        .hasMessageContaining("dl4j, openai, llama-cpp or replay");
    assertThat(ConfigLoader.load(null, Map.of("policy.backend", "openai", "policy.openai.base-url",
        "http://127.0.0.1:8080/v1/")).policy().openai().baseUrl()).isEqualTo("http://127.0.0.1:8080/v1");
  }

  @Test
  void rolloutAndDatasetKeysAreChecked() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("rollout.run-id", "../etc")))
        .hasMessageContaining("rollout.run-id");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("dataset.type", "Hard")))
        .hasMessageContaining("Basic, Intermediate, Advanced or all");
    PipelineConfig c = ConfigLoader.load(null, Map.of("rollout.step", "3", "dataset.limit", "5"));
    assertThat(c.rollout().step()).isEqualTo(3);
    assertThat(c.dataset().limit()).isEqualTo(5);
    assertThat(c.rollout().resolvedDir(c.output())).isEqualTo("outputs/rollouts");
  }

  @Test
  void aValueOfTheWrongKindNamesTheKeyWhatItAcceptsAndTheDefault() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.workers", "abc")))
        .hasMessage("render.workers: 'abc' is not a whole number (accepted: a whole number, e.g. the default 2)");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.workers", "2.5")))
        .hasMessageStartingWith("render.workers: '2.5' is not a whole number");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.sample-fps", "fast")))
        .hasMessageStartingWith("render.sample-fps: 'fast' is not a number");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.latex-formats", "maybe")))
        .hasMessageStartingWith("render.latex-formats: 'maybe' is not true or false");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.workers", "[1, 2]")))
        .hasMessageStartingWith("render.workers: a list is not a whole number");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("render.workers", "-1")))
        .hasMessage("render.workers must be > 0, got -1");
  }

  @Test
  void errorsInTheUsersFileNameTheFileAndLine() throws Exception {
    Path yaml = dir.resolve("run.yaml");
    Files.writeString(yaml, "# my run\nrender:\n  quality: low_quality\n  workers: abc\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
        .hasMessageStartingWith(yaml + ":4: render.workers: 'abc' is not a whole number");
    Files.writeString(yaml, "render:\n  workers: 0\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
        .hasMessage(yaml + ":2: render.workers must be > 0, got 0");
    // --conf wins over the file, so the file is not blamed for the override's value.
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of("render.workers", "-3")))
        .hasMessage("render.workers must be > 0, got -3");
    Files.writeString(yaml, "render:\n  workers:\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
        .hasMessageStartingWith(yaml + ":2: render.workers: has no value (accepted: a whole number");
    Files.writeString(yaml, "render:\n  wrkers: 2\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
        .hasMessageStartingWith(yaml + ":2: unknown config key 'render.wrkers'").hasMessageContaining("render.workers");
    // A secret-looking key's value is never echoed.
    Files.writeString(yaml, "spark:\n  conf:\n    spark.hadoop.fs.s3a.secret.key: {k: s3cr3t}\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
        .hasMessageContaining("spark.conf.spark.hadoop.fs.s3a.secret.key: the value given is not")
        .hasMessageNotContaining("s3cr3t");
    Files.writeString(yaml, "render:\n  workers: [2\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
        .hasMessageStartingWith(yaml.toString()).hasMessageContaining("not valid YAML or JSON");
  }

  @Test
  void aMissingConfigFileSaysSo() {
    Path none = dir.resolve("none.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(none, Map.of()))
        .hasMessage("config file " + none + " does not exist (--config takes a YAML or JSON file; "
            + "`manim-grpo config` prints every key)");
  }
}
