package dev.manimgrpo.policy.hf;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rotary position embeddings as transformers computes them for Llama, Qwen2 and Qwen3, in float32
 * step by step like its tensors (so the angles agree to the last bit or so, not just in value).
 *
 * <p>Inverse frequencies, {@code d = head_dim}, {@code i = 0 .. d/2-1} ({@code
 * _compute_default_rope_parameters}): {@code inv[i] = 1 / theta^((2i) / d)}. Then by {@code
 * rope_type}:
 *
 * <ul>
 *   <li>linear: {@code inv[i] / factor}.
 *   <li>llama3 ({@code _compute_llama3_parameters}), with {@code L = original_max_position_embeddings},
 *       {@code wavelen = 2 pi / inv[i]}: unchanged where {@code wavelen < L / high_freq_factor};
 *       {@code inv[i] / factor} where {@code wavelen > L / low_freq_factor}; in between {@code (1 -
 *       s) inv / factor + s inv} with {@code s = (L / wavelen - low_freq_factor) / (high_freq_factor
 *       - low_freq_factor)}.
 * </ul>
 *
 * The attention scaling of these types is 1. At position {@code p} the angle of pair {@code i} is
 * {@code p * inv[i]}; {@code cos} and {@code sin} are laid out {@code [angles, angles]} over the
 * {@code d} dimensions, and a head vector {@code x} becomes {@code x * cos + rotate_half(x) * sin}
 * with {@code rotate_half(x) = [-x[d/2:], x[:d/2]]}: the pairs are (i, i + d/2), not adjacent
 * elements as in the original RoPE paper (HF's checkpoint conversion permutes q/k weights to
 * match).
 */
public final class Rope {

  private final int headDim;
  private final float[] inverseFrequencies;
  private volatile INDArray rotateHalf;

  public Rope(HfModelConfig config) {
    this(config.headDim(), config.ropeTheta(), config.ropeScaling());
  }

  public Rope(int headDim, double theta, RopeScaling scaling) {
    this.headDim = headDim;
    this.inverseFrequencies = inverseFrequencies(headDim, theta, scaling);
  }

  /** The {@code head_dim / 2} inverse frequencies, float32 as transformers' {@code inv_freq}. */
  public static float[] inverseFrequencies(int headDim, double theta, RopeScaling scaling) {
    int half = headDim / 2;
    float[] inv = new float[half];
    for (int i = 0; i < half; i++) {
      // torch.arange(0, dim, 2).float() / dim, then base ** that, then 1.0 / that: all float32.
      float exponent = (float) (2 * i) / (float) headDim;
      float power = (float) Math.pow((float) theta, exponent);
      inv[i] = 1.0f / power;
    }
    return switch (scaling.type()) {
      case DEFAULT -> inv;
      case LINEAR -> linear(inv, (float) scaling.factor());
      case LLAMA3 -> llama3(inv, scaling);
    };
  }

  private static float[] linear(float[] inv, float factor) {
    float[] out = new float[inv.length];
    for (int i = 0; i < inv.length; i++) {
      out[i] = inv[i] / factor;
    }
    return out;
  }

  /** {@code _compute_llama3_parameters}, each tensor operation in float32 as torch does it. */
  private static float[] llama3(float[] inv, RopeScaling s) {
    float factor = (float) s.factor();
    float low = (float) s.lowFreqFactor();
    float high = (float) s.highFreqFactor();
    float oldContext = (float) s.originalMaxPositions();
    // Python scalars, compared with float32 tensors in float32.
    float lowFreqWavelen = (float) (s.originalMaxPositions() / s.lowFreqFactor());
    float highFreqWavelen = (float) (s.originalMaxPositions() / s.highFreqFactor());
    float twoPi = (float) (2 * Math.PI);
    float span = (float) (s.highFreqFactor() - s.lowFreqFactor());
    float[] out = new float[inv.length];
    for (int i = 0; i < inv.length; i++) {
      // scalar / tensor is tensor.reciprocal() * scalar in torch
      float wavelen = (1.0f / inv[i]) * twoPi;
      float scaled = wavelen > lowFreqWavelen ? inv[i] / factor : inv[i];
      boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
      if (medium) {
        float smooth = ((1.0f / wavelen) * oldContext - low) / span;
        scaled = (1 - smooth) * scaled / factor + smooth * scaled;
      }
      out[i] = scaled;
    }
    return out;
  }

  /** {@code R} with {@code x R = rotate_half(x)}: {@code R[i + d/2][i] = -1}, {@code R[i][i + d/2] = 1}. */
  private INDArray rotateHalf(org.nd4j.linalg.api.buffer.DataType type) {
    INDArray r = rotateHalf;
    if (r == null || r.dataType() != type) {
      int half = headDim / 2;
      float[] m = new float[headDim * headDim];
      for (int i = 0; i < half; i++) {
        m[(i + half) * headDim + i] = -1f;
        m[i * headDim + i + half] = 1f;
      }
      r = Nd4j.create(m, new long[] {headDim, headDim}, 'c').castTo(type);
      rotateHalf = r;
    }
    return r;
  }

  public int headDim() {
    return headDim;
  }

  /** A copy of the inverse frequencies. */
  public float[] inverseFrequencies() {
    return inverseFrequencies.clone();
  }

  /** {@code cos} (or {@code sin}) of positions {@code start .. start+time-1}: {@code [time * d]}. */
  float[] table(int start, int time, boolean sine) {
    int half = headDim / 2;
    float[] t = new float[time * headDim];
    for (int p = 0; p < time; p++) {
      float position = start + p;
      for (int i = 0; i < half; i++) {
        float angle = inverseFrequencies[i] * position;
        float v = (float) (sine ? Math.sin(angle) : Math.cos(angle));
        t[p * headDim + i] = v;
        t[p * headDim + half + i] = v;
      }
    }
    return t;
  }

  /**
   * Rotates {@code x [batch, heads, time, head_dim]} (contiguous, C order) for positions {@code
   * start .. start+time-1}; returns a new array of the same shape.
   */
  public INDArray apply(INDArray x, int start) {
    return rotate(x, start, 1f);
  }

  private INDArray rotate(INDArray x, int start, float direction) {
    long b = x.size(0);
    long h = x.size(1);
    int time = (int) x.size(2);
    if (x.size(3) != headDim) {
      throw new IllegalArgumentException("rope: head_dim " + headDim + " but x is "
          + java.util.Arrays.toString(x.shape()));
    }
    INDArray cos = Nd4j.create(table(start, time, false), new long[] {1, (long) time * headDim},
        'c').castTo(x.dataType());
    INDArray sin = Nd4j.create(table(start, time, true), new long[] {1, (long) time * headDim},
        'c').castTo(x.dataType());
    INDArray rows = x.reshape('c', b * h * time, headDim);
    // rotate_half as a product with a signed permutation matrix: one nonzero term per output, so
    // exactly [-x2, x1], and one native call instead of copying two strided halves.
    INDArray rotated = Nd4j.gemm(rows, rotateHalf(x.dataType()), false, false)
        .reshape('c', b * h, (long) time * headDim);
    INDArray turned = rotated.muliRowVector(sin);
    INDArray out = x.reshape('c', b * h, (long) time * headDim).mulRowVector(cos)
        .addi(direction > 0 ? turned : turned.negi());
    return out.reshape('c', b, h, time, headDim);
  }

  /**
   * The gradient through {@link #apply}: the rotation is orthogonal, so its transpose is the
   * rotation by minus each angle, {@code dy * cos - rotate_half(dy) * sin}.
   */
  public INDArray applyBackward(INDArray dy, int start) {
    return rotate(dy, start, -1f);
  }
}
