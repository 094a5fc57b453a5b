package dev.manimgrpo.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.policy.checkpoint.Checkpoint;
import dev.manimgrpo.policy.model.ModelConfig;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.tokenizer.BpeTokenizer;
import dev.manimgrpo.policy.tokenizer.TokenizerFile;
import dev.manimgrpo.policy.tokenizer.TokenizerFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A policy as the sampler and the trainer use it: weights, their shape and the tokenizer they
 * were trained with, plus where it came from.
 *
 * @param params the weights (they carry their {@link ModelConfig})
 * @param tokenizer the tokenizer the weights expect
 * @param step optimizer steps behind these weights
 * @param source where it was loaded from (a checkpoint directory, "bundled", or "new")
 */
public record Policy(ModelParameters params, BpeTokenizer tokenizer, int step, String source) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Policy {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(tokenizer, "tokenizer");
    if (params.config().vocabSize() != tokenizer.vocabSize()) {
      throw new IllegalArgumentException("the model's vocabulary (" + params.config().vocabSize()
          + " ids) does not match its tokenizer's (" + tokenizer.vocabSize() + "): the checkpoint is inconsistent");
    }
  }

  public ModelConfig config() {
    return params.config();
  }

  /** The model shape as stored in a checkpoint. */
  public static JsonNode configJson(ModelConfig config) {
    return JSON.valueToTree(config);
  }

  /** The policy in a checkpoint's weights, shape and tokenizer. */
  public static Policy of(Checkpoint c, String source) throws IOException {
    ModelConfig config;
    try {
      config = JSON.treeToValue(c.modelConfig(), ModelConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(source + ": model-config.json is not a model shape this trainer knows: " + e.getMessage(), e);
    }
    BpeTokenizer tokenizer;
    try {
      tokenizer = TokenizerFile.fromJson(new String(c.tokenizer(), StandardCharsets.UTF_8));
    } catch (TokenizerFormatException e) {
      throw new IOException(source + ": tokenizer.json: " + e.getMessage(), e);
    }
    try {
      return new Policy(ModelParameters.of(config, new LinkedHashMap<>(c.weights())), tokenizer, c.step(), source);
    } catch (IllegalArgumentException e) {
      throw new IOException(source + ": weights.bin does not fit model-config.json: " + e.getMessage(), e);
    }
  }

  /** The tokenizer as checkpoint bytes. */
  public byte[] tokenizerBytes() {
    return TokenizerFile.toJson(tokenizer).getBytes(StandardCharsets.UTF_8);
  }

  /** The weights as an ordered map for a checkpoint. */
  public Map<String, org.nd4j.linalg.api.ndarray.INDArray> weights() {
    return new LinkedHashMap<>(params.asMap());
  }
}
