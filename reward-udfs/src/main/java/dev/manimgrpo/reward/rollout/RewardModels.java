package dev.manimgrpo.reward.rollout;

import dev.manimgrpo.reward.code.CodeRewardCalculator;
import dev.manimgrpo.reward.embed.OnnxCodeEmbedder;
import dev.manimgrpo.reward.embed.OnnxImageEmbedder;
import dev.manimgrpo.reward.visual.VisualSimilarityOptions;
import dev.manimgrpo.reward.visual.VisualSimilarityScorer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reward calculators of one JVM (an executor), built once per configuration: the code reward
 * with its optional CodeBERT, the visual scorer with its optional CLIP tower. Loading an ONNX model
 * takes seconds; every UDF call and rollout of the executor shares them.
 */
public final class RewardModels {

  private static final Map<String, CodeRewardCalculator> CALCULATORS = new ConcurrentHashMap<>();
  private static final Map<String, VisualSimilarityScorer> SCORERS = new ConcurrentHashMap<>();

  private RewardModels() {}

  /** The code reward calculator; {@code codebertModel} "" for none (R_text is then CodeBLEU). */
  public static CodeRewardCalculator codeCalculator(String codebertModel) {
    String key = codebertModel == null ? "" : codebertModel;
    return CALCULATORS.computeIfAbsent(key, RewardModels::newCalculator);
  }

  /** The visual scorer; {@code clipModel} "" for none (VS is then the content-aware score). */
  public static VisualSimilarityScorer visualScorer(String clipModel, VisualSimilarityOptions options) {
    String model = clipModel == null ? "" : clipModel;
    return SCORERS.computeIfAbsent(model + "\u0000" + options, k -> newScorer(model, options));
  }

  private static CodeRewardCalculator newCalculator(String model) {
    if (model.isBlank()) {
      return new CodeRewardCalculator();
    }
    try {
      return CodeRewardCalculator.withEmbedder(new OnnxCodeEmbedder(Path.of(model), 512));
    } catch (Exception e) {
      throw new IllegalArgumentException("reward.codebert-model: cannot load an ONNX CodeBERT from " + model
          + " (a folder with model.onnx, vocab.json, merges.txt): " + e.getMessage(), e);
    }
  }

  private static VisualSimilarityScorer newScorer(String model, VisualSimilarityOptions options) {
    if (model.isBlank()) {
      return new VisualSimilarityScorer(options, null);
    }
    try {
      return new VisualSimilarityScorer(options, new OnnxImageEmbedder(Path.of(model)));
    } catch (Exception e) {
      throw new IllegalArgumentException("reward.clip-model: cannot load an ONNX image model from " + model + ": "
          + e.getMessage(), e);
    }
  }
}
