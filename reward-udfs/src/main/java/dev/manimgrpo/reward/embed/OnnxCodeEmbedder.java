package dev.manimgrpo.reward.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Program embeddings from an ONNX text encoder such as CodeBERT ({@code microsoft/codebert-base}
 * exported to ONNX), for the CodeBERT cosine of CodeBERTBLEU. A model folder holds
 * {@code model.onnx}, {@code vocab.json} and {@code merges.txt}. Inputs {@code input_ids} and,
 * when the model has it, {@code attention_mask}; the embedding is the mean of the last hidden
 * state over the tokens (rank-3 output) or the model's pooled output (rank 2), L2-normalised.
 *
 * <p>Weights are not shipped (they cannot be fetched here); the loading code is tested with a
 * small model and vocabulary the tests build.
 */
public final class OnnxCodeEmbedder implements dev.manimgrpo.reward.code.CodeEmbedder, AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ByteLevelBpeTokenizer tokenizer;
  private final boolean takesMask;
  private final String modelName;

  public OnnxCodeEmbedder(Path modelDir, int maxLength) throws OrtException, IOException {
    this.env = OrtEnvironment.getEnvironment();
    this.session = env.createSession(modelDir.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
    this.tokenizer = ByteLevelBpeTokenizer.load(modelDir, maxLength);
    if (!session.getInputNames().contains("input_ids")) {
      throw new IllegalArgumentException("code model in " + modelDir + " must take input_ids; takes " + session.getInputNames());
    }
    this.takesMask = session.getInputNames().contains("attention_mask");
    this.modelName = String.valueOf(modelDir.getFileName());
  }

  /** The L2-normalised embedding of {@code code}; a model failure is an IllegalStateException. */
  @Override
  public float[] embed(String code) {
    try {
      return run(code);
    } catch (OrtException e) {
      throw new IllegalStateException("code embedding model failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "onnx:" + modelName;
  }

  private float[] run(String code) throws OrtException {
    long[] ids = tokenizer.encode(code);
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1L);
    long[] shape = {1, ids.length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      if (takesMask) {
        inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      }
      try (OrtSession.Result r = session.run(inputs)) {
        Object value = r.get(0).getValue();
        float[] v;
        if (value instanceof float[][][] hidden) {
          v = new float[hidden[0][0].length];
          for (float[] token : hidden[0]) {
            for (int d = 0; d < v.length; d++) {
              v[d] += token[d] / hidden[0].length;
            }
          }
        } else {
          v = Vectors.row(value, 0);
        }
        return Vectors.l2normalise(v);
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Cosine similarity of two programs' embeddings, in [-1, 1]. */
  public double cosine(String a, String b) {
    return Vectors.dot(embed(a), embed(b));
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
