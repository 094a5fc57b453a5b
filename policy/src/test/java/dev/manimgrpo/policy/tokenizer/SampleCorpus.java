package dev.manimgrpo.policy.tokenizer;

import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.policy.PromptTemplate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The bundled ManimBench-style samples as tokenizer training text, and tokenizers trained on it. */
final class SampleCorpus {

  private static final Map<Integer, BpeTokenizer> TRAINED = new ConcurrentHashMap<>();

  private SampleCorpus() {}

  static List<ManimBenchSample> samples() {
    return BundledSampleSet.load();
  }

  static List<String> codes() {
    return samples().stream().map(ManimBenchSample::code).toList();
  }

  /** Each sample as the policy sees it: rendered prompt followed by the completion. */
  static List<String> templatedTexts(List<ManimBenchSample> samples) {
    return samples.stream()
        .map(s -> PromptTemplate.render(s.reviewedDescription()) + PromptTemplate.completion(s.code()))
        .toList();
  }

  /** A tokenizer trained on all templated samples (cached: training is deterministic). */
  static BpeTokenizer tokenizer(int vocabSize) {
    return TRAINED.computeIfAbsent(vocabSize, v -> new BpeTrainer(v).train(templatedTexts(samples())));
  }

  static int utf8Length(List<String> texts) {
    return texts.stream().mapToInt(t -> Utf8Codec.encode(t).length).sum();
  }
}
