package dev.manimgrpo.policy.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything needed to resume training or sample from a policy. Tensor maps keep their order
 * (pass a LinkedHashMap); the tokenizer is stored as the caller's bytes, unparsed.
 *
 * @param step the number of finished optimizer steps
 * @param metrics e.g. loss, mean reward; non-finite values survive the round trip
 * @param modelConfig the model's hyper-parameters, as the model code writes them
 * @param tokenizer the bytes of tokenizer.json
 * @param weights the model parameters by name
 * @param optimizerState the optimizer's tensors by name (moments, ...); may be empty
 * @param trainerState RNG seeds, data cursor and anything else the loop needs to resume. JSON
 *     keeps values, not Java number types: read numbers back with asLong()/asDouble()
 */
public record Checkpoint(int step, Instant createdAt, DataDescription data, Map<String, Double> metrics,
    JsonNode modelConfig, byte[] tokenizer, Map<String, INDArray> weights,
    Map<String, INDArray> optimizerState, JsonNode trainerState) {

  public Checkpoint {
    if (step < 0) {
      throw new IllegalArgumentException("checkpoint step must be >= 0, got " + step);
    }
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(data, "data (what the checkpoint was trained on)");
    Objects.requireNonNull(modelConfig, "modelConfig");
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(optimizerState, "optimizerState (pass an empty map when there is none)");
    Objects.requireNonNull(trainerState, "trainerState");
    metrics = metrics == null ? Map.of() : metrics;
  }
}
