package dev.manimgrpo.policy.hf;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One new token of one cached sequence through the model as matrix-vector products: the decode
 * step of greedy decoding, of a group of one and of the last row left in a group.
 *
 * <p>Why not the batched path: for one row every product is a matrix-vector product, bound by
 * reading the weights once, and a step is about 20 small operations per layer. ND4J's {@code gemm}
 * with one row read a 32000 x 512 head in 10.5 ms on this machine; BLAS's own {@code sgemv} (through
 * ND4J's BLAS wrapper, on the same arrays) in 3.4 ms; and each ND4J operation costs about 30 us of
 * dispatch. So the products here are {@code sgemv} calls, and the small rest of the step (norms,
 * RoPE, attention over the cache, SwiGLU) is plain Java on float arrays. Batches of several rows
 * stay with the batched path, whose products then reuse each weight.
 *
 * <p>The arithmetic is the model's ({@link HfCausalLm}, transformers' eager path) in float32; sums
 * run in another order, so results agree to float rounding, not bit for bit. The key/value cache
 * is read and written in place through a view of its native buffer.
 */
final class HfRowDecoder {

  private final HfModelConfig config;
  private final Rope rope;
  /** The embedding's native buffer, row-major {@code [vocab, hidden]}. */
  private final FloatBuffer embedding;
  private final int hidden;
  private final INDArray head;
  private final float[] finalNorm;
  private final List<LayerView> layers = new ArrayList<>();

  private HfRowDecoder(HfModelConfig config, HfWeights w, Rope rope) {
    this.config = config;
    this.rope = rope;
    this.embedding = view(matrix(w.embedding()));
    this.hidden = (int) w.embedding().size(1);
    this.head = matrix(w.lmHead());
    this.finalNorm = vector(w.finalNorm());
    for (int l = 0; l < w.layerCount(); l++) {
      HfWeights.Layer x = w.layer(l);
      layers.add(new LayerView(vector(x.inputNorm()), matrix(x.q()), vector(x.qBias()), matrix(x.k()),
          vector(x.kBias()), matrix(x.v()), vector(x.vBias()), matrix(x.o()), vector(x.oBias()), vector(x.qNorm()),
          vector(x.kNorm()), vector(x.postAttentionNorm()), matrix(x.gate()), vector(x.gateBias()), matrix(x.up()),
          vector(x.upBias()), matrix(x.down()), vector(x.downBias())));
    }
  }

  /**
   * The decoder of these weights, or null where it cannot use them as they are (not float32, not
   * contiguous in C order, or on a GPU backend, whose arrays live in device memory); the model then
   * decodes every step with the batched path.
   */
  static HfRowDecoder of(HfModelConfig config, HfWeights w, Rope rope) {
    if (!Nd4j.getEnvironment().isCPU()) {
      return null;
    }
    try {
      return new HfRowDecoder(config, w, rope);
    } catch (IllegalArgumentException notInPlace) {
      return null;
    }
  }

  /** Whether this cache's buffers can be read and written in place (one row, contiguous, float32). */
  boolean fits(HfKvCache cache) {
    if (cache.batch() != 1) {
      return false;
    }
    for (int l = 0; l < layers.size(); l++) {
      if (!viewable(cache.keyBuffer(l)) || !viewable(cache.valueBuffer(l))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Appends {@code token} to the one sequence of {@code cache} and returns the next token's logits
   * {@code [1, vocab]}.
   */
  INDArray step(HfKvCache cache, int token) {
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int hd = config.headDim();
    int groups = config.kvGroups();
    int position = cache.length();
    if (position >= cache.capacity()) {
      throw new IllegalStateException("HfKvCache full: " + position + " + 1 > " + cache.capacity());
    }
    Scratch scratch = new Scratch();
    float eps = (float) config.rmsNormEps();
    float scale = (float) Math.pow(hd, -0.5);
    float[] cos = rope.table(position, 1, false);
    float[] sin = rope.table(position, 1, true);
    float[] x = new float[hidden];
    embedding.get(token * hidden, x);
    float[] h = new float[hidden];
    float[] q = new float[heads * hd];
    float[] k = new float[kvHeads * hd];
    float[] v = new float[kvHeads * hd];
    float[] attended = new float[heads * hd];
    float[] scores = new float[position + 1];
    float[] delta = new float[hidden];
    int intermediate = layers.isEmpty() ? 0 : (int) layers.get(0).gate.size(0);
    float[] gate = new float[intermediate];
    float[] up = new float[intermediate];
    for (int l = 0; l < layers.size(); l++) {
      LayerView w = layers.get(l);
      rmsNorm(x, 0, hidden, w.inputNorm, eps, h, 0);
      product(scratch, w.q, h, w.qBias, q);
      product(scratch, w.k, h, w.kBias, k);
      product(scratch, w.v, h, w.vBias, v);
      if (w.qNorm != null) {
        for (int i = 0; i < heads; i++) {
          rmsNorm(q, i * hd, hd, w.qNorm, eps, q, i * hd);
        }
        for (int i = 0; i < kvHeads; i++) {
          rmsNorm(k, i * hd, hd, w.kNorm, eps, k, i * hd);
        }
      }
      for (int i = 0; i < heads; i++) {
        rotate(q, i * hd, hd, cos, sin);
      }
      for (int i = 0; i < kvHeads; i++) {
        rotate(k, i * hd, hd, cos, sin);
      }
      FloatBuffer keys = view(cache.keyBuffer(l));
      FloatBuffer values = view(cache.valueBuffer(l));
      int capacityStride = cache.capacity() * hd;
      for (int g = 0; g < kvHeads; g++) {
        keys.put(g * capacityStride + position * hd, k, g * hd, hd);
        values.put(g * capacityStride + position * hd, v, g * hd, hd);
      }
      for (int i = 0; i < heads; i++) {
        int g = i / groups;
        attend(q, i * hd, keys, values, g * capacityStride, position + 1, hd, scale, scores, attended, i * hd);
      }
      product(scratch, w.o, attended, w.oBias, delta);
      for (int d = 0; d < hidden; d++) {
        x[d] += delta[d];
      }
      rmsNorm(x, 0, hidden, w.postAttentionNorm, eps, h, 0);
      product(scratch, w.gate, h, w.gateBias, gate);
      product(scratch, w.up, h, w.upBias, up);
      for (int d = 0; d < intermediate; d++) {
        // silu(g) * u as HfOps.siluTimes: sigmoid(g) * g * u
        float s = (float) (1.0 / (1.0 + Math.exp(-gate[d])));
        gate[d] = s * gate[d] * up[d];
      }
      product(scratch, w.down, gate, w.downBias, delta);
      for (int d = 0; d < hidden; d++) {
        x[d] += delta[d];
      }
    }
    cache.advance(1);
    rmsNorm(x, 0, hidden, finalNorm, eps, h, 0);
    INDArray logits = Nd4j.create(DataType.FLOAT, head.rows());
    Nd4j.getBlasWrapper().level2().gemv('c', 'N', 1.0, head, scratch.input(h), 0.0, logits);
    return logits.reshape(1, head.rows());
  }

  /** {@code out = weight * (x / sqrt(mean(x^2) + eps))} over {@code n} values from {@code from}. */
  private static void rmsNorm(float[] x, int from, int n, float[] weight, float eps, float[] out, int to) {
    float sum = 0;
    for (int i = 0; i < n; i++) {
      float a = x[from + i];
      sum += a * a;
    }
    float inverse = (float) (1.0 / Math.sqrt(sum / n + eps));
    for (int i = 0; i < n; i++) {
      out[to + i] = x[from + i] * inverse * weight[i];
    }
  }

  /** RoPE of one head at one position: {@code x * cos + rotate_half(x) * sin}. */
  private static void rotate(float[] x, int from, int hd, float[] cos, float[] sin) {
    int half = hd / 2;
    for (int i = 0; i < half; i++) {
      float a = x[from + i];
      float b = x[from + half + i];
      x[from + i] = a * cos[i] - b * sin[i];
      x[from + half + i] = b * cos[half + i] + a * sin[half + i];
    }
  }

  /** One query head over {@code length} cached keys and values of its kv head: softmax(q k^T * scale) v. */
  private static void attend(float[] q, int from, FloatBuffer keys, FloatBuffer values, int head, int length, int hd,
      float scale, float[] scores, float[] out, int to) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < length; j++) {
      int row = head + j * hd;
      float s = 0;
      for (int d = 0; d < hd; d++) {
        s += q[from + d] * keys.get(row + d);
      }
      scores[j] = s * scale;
      max = Math.max(max, scores[j]);
    }
    float total = 0;
    for (int j = 0; j < length; j++) {
      scores[j] = (float) Math.exp(scores[j] - max);
      total += scores[j];
    }
    java.util.Arrays.fill(out, to, to + hd, 0f);
    for (int j = 0; j < length; j++) {
      float a = scores[j] / total;
      int row = head + j * hd;
      for (int d = 0; d < hd; d++) {
        out[to + d] += a * values.get(row + d);
      }
    }
  }

  /** {@code out = W x (+ b)} for {@code W [rows, cols]}: one BLAS {@code sgemv}. */
  private static void product(Scratch scratch, INDArray w, float[] x, float[] bias, float[] out) {
    int rows = (int) w.size(0);
    INDArray input = scratch.input(x);
    INDArray output = scratch.output(rows);
    Nd4j.getBlasWrapper().level2().gemv('c', 'N', 1.0, w, input, 0.0, output);
    output.data().asNioFloat().get(0, out, 0, rows);
    if (bias != null) {
      for (int r = 0; r < rows; r++) {
        out[r] += bias[r];
      }
    }
  }

  /** Native vectors for the products' inputs and outputs, one per length, reused within a step. */
  private static final class Scratch {
    private final java.util.Map<Integer, INDArray> inputs = new java.util.HashMap<>();
    private final java.util.Map<Integer, INDArray> outputs = new java.util.HashMap<>();

    INDArray input(int length) {
      return inputs.computeIfAbsent(length, n -> Nd4j.create(DataType.FLOAT, n));
    }

    /** The input vector of {@code x}'s length, holding {@code x}. */
    INDArray input(float[] x) {
      INDArray in = input(x.length);
      in.data().asNioFloat().put(0, x);
      return in;
    }

    INDArray output(int length) {
      return outputs.computeIfAbsent(length, n -> Nd4j.create(DataType.FLOAT, n));
    }
  }

  private static boolean viewable(INDArray a) {
    return inPlace(a) && (a.offset() + a.length()) * Float.BYTES <= Integer.MAX_VALUE;
  }

  private static boolean inPlace(INDArray a) {
    return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a)
        && !a.isEmpty();
  }

  /**
   * The array's elements as a float buffer over its native memory, element 0 at index 0. A NIO
   * buffer holds at most 2^31 - 1 bytes: larger arrays (the embedding of a 7B model's vocabulary)
   * are refused, and the model keeps the batched path.
   */
  private static FloatBuffer view(INDArray a) {
    if ((a.offset() + a.length()) * Float.BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too large for a NIO view");
    }
    FloatBuffer all = a.data().asNioFloat();
    return all.position((int) a.offset()).slice();
  }

  /** A float32 matrix {@code [rows, cols]}, contiguous in C order, as BLAS reads it. */
  private static INDArray matrix(INDArray a) {
    if (a.rank() != 2 || !inPlace(a)) {
      throw new IllegalArgumentException("not usable in place");
    }
    return a;
  }

  /** A small vector (a norm's weight or a bias) copied to a float array; null stays null. */
  private static float[] vector(INDArray a) {
    return a == null ? null : a.toFloatVector();
  }

  private record LayerView(float[] inputNorm, INDArray q, float[] qBias, INDArray k, float[] kBias, INDArray v,
      float[] vBias, INDArray o, float[] oBias, float[] qNorm, float[] kNorm, float[] postAttentionNorm, INDArray gate,
      float[] gateBias, INDArray up, float[] upBias, INDArray down, float[] downBias) {}
}
