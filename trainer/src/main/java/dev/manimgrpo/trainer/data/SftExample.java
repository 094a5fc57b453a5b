package dev.manimgrpo.trainer.data;

import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.ManimBenchSample.Split;
import java.util.Objects;

/**
 * One supervised fine-tuning pair: the description the policy is given and the reference code
 * it should write.
 *
 * @param id the sample id ({@code mb-} + hash of the code), stable across files
 * @param prompt the description from the configured prompt column
 * @param code the reference Manim module
 * @param split train or test
 */
public record SftExample(String id, String prompt, String code, Split split) {

  public SftExample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(split, "split");
  }

  /** The pair a ManimBench sample gives with that prompt column. */
  public static SftExample of(ManimBenchSample s, String promptColumn) {
    return new SftExample(s.sampleId(), s.prompt(promptColumn), s.code(), s.split());
  }
}
