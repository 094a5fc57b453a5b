package dev.manimgrpo.policy.hf;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The array operations of the Hugging Face decoders, on 2-D {@code [rows, width]} arrays, in the
 * order transformers applies them. Linear weights stay in PyTorch's {@code [out, in]} layout and
 * are used through {@code gemm}'s transpose flag, so no transposed copy is made.
 */
public final class HfOps {

  private HfOps() {}

  /** {@code nn.Linear}: {@code x W^T + b} for {@code x [rows, in]}, {@code W [out, in]}, {@code b [out]} or null. */
  public static INDArray linear(INDArray x, INDArray w, INDArray b) {
    INDArray y = Nd4j.gemm(x, w, false, true);
    return b == null ? y : y.addiRowVector(b);
  }

  /**
   * RMSNorm over each row: {@code weight * (x / sqrt(mean(x^2) + eps))} (LlamaRMSNorm; Qwen's is
   * the same).
   */
  public static INDArray rmsNorm(INDArray x, INDArray weight, double eps) {
    INDArray variance = x.mul(x).mean(true, 1);
    INDArray inverse = Transforms.pow(variance.addi(eps), -0.5, false);
    return x.mulColumnVector(inverse).muliRowVector(weight);
  }

  /** SwiGLU's gate: {@code silu(gate) * up} with {@code silu(g) = g * sigmoid(g)}, into a new array. */
  public static INDArray siluTimes(INDArray gate, INDArray up) {
    return Transforms.sigmoid(gate, true).muli(gate).muli(up);
  }

  /** {@code [b*t, h*d]} to {@code [b, h, t, d]}, contiguous (HF's {@code view(...).transpose(1, 2)}). */
  public static INDArray toHeads(INDArray x, int batch, int time, int heads) {
    long d = x.size(1) / heads;
    return x.reshape('c', batch, time, heads, d).permute(0, 2, 1, 3).dup('c');
  }

  /** {@code [b, h, t, d]} back to {@code [b*t, h*d]}. */
  public static INDArray fromHeads(INDArray x) {
    long b = x.size(0);
    long h = x.size(1);
    long t = x.size(2);
    long d = x.size(3);
    return x.permute(0, 2, 1, 3).dup('c').reshape('c', b * t, h * d);
  }

  /**
   * {@code 1 / sqrt(mean(x^2) + eps)} of each row, {@code [rows, 1]}: what {@link #rmsNorm}
   * multiplies by, kept by a training pass for {@link #rmsNormBackward}.
   */
  public static INDArray rmsInverse(INDArray x, double eps) {
    return Transforms.pow(x.mul(x).mean(true, 1).addi(eps), -0.5, false);
  }

  /**
   * The input gradient of {@code y = w * x * r} ({@code r} from {@link #rmsInverse}):
   * {@code r (g - x r^2 mean(g x))} with {@code g = dy w}; adds {@code sum(dy x r)} into
   * {@code dWeight} when it is not null.
   */
  public static INDArray rmsNormBackward(INDArray x, INDArray inverse, INDArray weight, INDArray dy,
      INDArray dWeight) {
    if (dWeight != null) {
      dWeight.addi(dy.mul(x.mulColumnVector(inverse)).sum(0));
    }
    INDArray g = dy.mulRowVector(weight);
    INDArray meanGx = g.mul(x).mean(true, 1).muli(inverse).muli(inverse);
    return g.subi(x.mulColumnVector(meanGx)).muliColumnVector(inverse);
  }

  /**
   * Gradients of {@code silu(gate) * up}: returns {@code [dGate, dUp]} for {@code dy}, with
   * {@code silu'(g) = s (1 + g (1 - s))}, {@code s = sigmoid(g)}.
   */
  public static INDArray[] siluTimesBackward(INDArray gate, INDArray up, INDArray dy) {
    INDArray s = Transforms.sigmoid(gate, true);
    INDArray dUp = s.mul(gate).muli(dy);
    INDArray slope = s.rsub(1.0).muli(gate).addi(1.0).muli(s);
    INDArray dGate = slope.muli(up).muli(dy);
    return new INDArray[] {dGate, dUp};
  }

  /** {@code target[index[i]] += rows[i]} along dimension 0, repeated indices accumulating. */
  public static void scatterAddRows(INDArray target, int[] index, INDArray rows) {
    Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("scatter_add")
        .addInputs(target, Nd4j.createFromArray(index), rows)
        .addOutputs(target)
        .build());
  }
}
