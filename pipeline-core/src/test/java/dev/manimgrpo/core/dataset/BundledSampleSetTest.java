package dev.manimgrpo.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.code.SceneClassFinder;
import dev.manimgrpo.core.dataset.ManimBenchSample.Difficulty;
import dev.manimgrpo.core.dataset.ManimBenchSample.Split;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BundledSampleSetTest {

  @Test
  void hasAtLeastFortySamplesAcrossTypesAndSplits() {
    List<ManimBenchSample> all = BundledSampleSet.load();
    assertThat(all).hasSizeGreaterThanOrEqualTo(40);
    for (Difficulty d : Difficulty.values()) {
      for (Split s : Split.values()) {
        assertThat(all.stream().filter(x -> x.type() == d && x.split() == s).count())
            .as(d + "/" + s).isGreaterThanOrEqualTo(3);
      }
    }
  }

  @Test
  void everySampleIsOneModuleWithOneSceneAndADescription() {
    Set<String> ids = new HashSet<>();
    for (ManimBenchSample s : BundledSampleSet.load()) {
      assertThat(s.code()).startsWith("from manim import *");
      assertThat(SceneClassFinder.find(s.code())).as(s.sampleId()).hasSize(1);
      assertThat(s.reviewedDescription()).as(s.sampleId()).hasSizeGreaterThan(40);
      assertThat(s.generatedDescription()).as(s.sampleId()).isNotBlank();
      assertThat(ids.add(s.sampleId())).as("unique id " + s.sampleId()).isTrue();
    }
  }

  @Test
  void coversTheManimFeaturesTheStudyNeeds() {
    String all = String.join("\n", BundledSampleSet.load().stream().map(ManimBenchSample::code).toList());
    for (String feature : List.of("Text(", "MathTex(", "Tex(", "Axes(", ".plot(", "NumberPlane(", "Graph(",
        "ThreeDScene", "ThreeDAxes(", "Surface(", "ValueTracker(", "add_updater", "always_redraw", "Transform(",
        "ReplacementTransform(", "TransformMatchingTex(", "MoveAlongPath(", "Brace(", "Indicate(", "Circumscribe(")) {
      assertThat(all).as("some sample uses " + feature).contains(feature);
    }
  }
}
