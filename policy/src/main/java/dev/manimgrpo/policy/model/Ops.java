package dev.manimgrpo.policy.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The model's building blocks as whole-array ND4J operations (each one native call, so the same
 * code runs on the CPU and CUDA backends). Row-wise operations work on 2-D {@code [rows, width]}
 * views. {@code Nd4j.gemm}/{@code Nd4j.matmul} are used rather than {@code INDArray.mmul}: with
 * transpose flags they avoid explicit transposed copies and measured 3-4x faster here.
 */
final class Ops {

  static final double LN_EPS = 1e-5;

  static final double GELU_C = Math.sqrt(2.0 / Math.PI);
  static final double GELU_A = 0.044715;

  private Ops() {}

  /** {@code x W + b} for {@code x [rows, in]}, {@code W [in, out]}, {@code b [out]}. */
  static INDArray linear(INDArray x, INDArray w, INDArray b) {
    return Nd4j.gemm(x, w, false, false).addiRowVector(b);
  }

  /** Accumulates the weight and bias gradients of {@link #linear} and returns d input. */
  static INDArray linearBackward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db) {
    Nd4j.gemm(x, dy, dw, true, false, 1.0, 1.0);
    db.addi(dy.sum(0));
    return Nd4j.gemm(dy, w, false, true);
  }

  /** LayerNorm output and what its backward needs. */
  record Norm(INDArray out, INDArray xhat, INDArray rstd) {}

  static Norm layerNorm(INDArray x, INDArray gain, INDArray bias) {
    INDArray mean = x.mean(true, 1);
    INDArray xc = x.subColumnVector(mean);
    INDArray var = xc.mul(xc).mean(true, 1);
    INDArray rstd = Transforms.pow(var.addi(LN_EPS), -0.5, false);
    INDArray xhat = xc.muliColumnVector(rstd);
    return new Norm(xhat.mulRowVector(gain).addiRowVector(bias), xhat, rstd);
  }

  /** Accumulates gain/bias gradients and returns d input. */
  static INDArray layerNormBackward(Norm n, INDArray gain, INDArray dy, INDArray dGain,
      INDArray dBias) {
    dGain.addi(dy.mul(n.xhat()).sum(0));
    dBias.addi(dy.sum(0));
    INDArray dxhat = dy.mulRowVector(gain);
    INDArray meanD = dxhat.mean(true, 1);
    INDArray meanDX = dxhat.mul(n.xhat()).mean(true, 1);
    return dxhat.subiColumnVector(meanD)
        .subi(n.xhat().mulColumnVector(meanDX))
        .muliColumnVector(n.rstd());
  }

  /** GELU, tanh approximation: 0.5 x (1 + tanh(c (x + a x^3))). */
  static INDArray gelu(INDArray x) {
    INDArray u = x.mul(x).muli(GELU_A).addi(1.0).muli(x).muli(GELU_C);
    return Transforms.tanh(u, false).addi(1.0).muli(x).muli(0.5);
  }

  /** d GELU / dx times {@code dy}, recomputing the tanh from the pre-activation {@code x}. */
  static INDArray geluBackward(INDArray x, INDArray dy) {
    INDArray x2 = x.mul(x);
    INDArray t = Transforms.tanh(x2.mul(GELU_A).addi(1.0).muli(x).muli(GELU_C), false);
    INDArray sech2 = t.mul(t).rsubi(1.0);
    INDArray inner = x2.muli(3 * GELU_A).addi(1.0).muli(GELU_C);
    INDArray slope = sech2.muli(inner).muli(x).muli(0.5).addi(t.addi(1.0).muli(0.5));
    return slope.muli(dy);
  }

  /** {@code [b*t, h*hd]} to {@code [b, h, t, hd]} (a contiguous copy, ready for batched matmul). */
  static INDArray toHeads(INDArray x, int batch, int time, int heads) {
    long hd = x.size(1) / heads;
    return x.reshape('c', batch, time, heads, hd).permute(0, 2, 1, 3).dup('c');
  }

  /** {@code [b, h, t, hd]} back to {@code [b*t, h*hd]}. */
  static INDArray fromHeads(INDArray x) {
    long b = x.size(0);
    long h = x.size(1);
    long t = x.size(2);
    long hd = x.size(3);
    return x.permute(0, 2, 1, 3).dup('c').reshape('c', b * t, h * hd);
  }

  /** Softmax over the last dimension, in place. */
  static INDArray softmaxLastDim(INDArray x) {
    long last = x.size(x.rank() - 1);
    INDArray rows = x.reshape('c', x.length() / last, last);
    Nd4j.exec(new SoftMax(rows, rows, 1));
    return rows.reshape('c', x.shape());
  }

  /**
   * A 1-D view of a contiguous array. (Beware {@code reshape('c', n)}: it resolves to
   * {@code reshape(long, long)} and reads 'c' as a dimension.)
   */
  static INDArray flat(INDArray x) {
    return x.reshape('c', new long[] {x.length()});
  }

  /** {@code target[index[i]] += updates[i]} along dimension 0, duplicates accumulating. */
  static void scatterAdd(INDArray target, INDArray index, INDArray updates) {
    Nd4j.exec(DynamicCustomOp.builder("scatter_add")
        .addInputs(target, index, updates)
        .addOutputs(target)
        .build());
  }
}
