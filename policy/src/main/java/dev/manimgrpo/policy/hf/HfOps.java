package dev.manimgrpo.policy.hf;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The array operations of the Hugging Face decoders, on 2-D {@code [rows, width]} arrays, in the
 * order transformers applies them. Linear weights stay in PyTorch's {@code [out, in]} layout and
 * are used through {@code gemm}'s transpose flag, so no transposed copy is made.
 */
final class HfOps {

  private HfOps() {}

  /** {@code nn.Linear}: {@code x W^T + b} for {@code x [rows, in]}, {@code W [out, in]}, {@code b [out]} or null. */
  static INDArray linear(INDArray x, INDArray w, INDArray b) {
    INDArray y = Nd4j.gemm(x, w, false, true);
    return b == null ? y : y.addiRowVector(b);
  }

  /**
   * RMSNorm over each row: {@code weight * (x / sqrt(mean(x^2) + eps))} (LlamaRMSNorm; Qwen's is
   * the same).
   */
  static INDArray rmsNorm(INDArray x, INDArray weight, double eps) {
    INDArray variance = x.mul(x).mean(true, 1);
    INDArray inverse = Transforms.pow(variance.addi(eps), -0.5, false);
    return x.mulColumnVector(inverse).muliRowVector(weight);
  }

  /** SwiGLU's gate: {@code silu(gate) * up} with {@code silu(g) = g * sigmoid(g)}, into a new array. */
  static INDArray siluTimes(INDArray gate, INDArray up) {
    return Transforms.sigmoid(gate, true).muli(gate).muli(up);
  }

  /** {@code [b*t, h*d]} to {@code [b, h, t, d]}, contiguous (HF's {@code view(...).transpose(1, 2)}). */
  static INDArray toHeads(INDArray x, int batch, int time, int heads) {
    long d = x.size(1) / heads;
    return x.reshape('c', batch, time, heads, d).permute(0, 2, 1, 3).dup('c');
  }

  /** {@code [b, h, t, d]} back to {@code [b*t, h*d]}. */
  static INDArray fromHeads(INDArray x) {
    long b = x.size(0);
    long h = x.size(1);
    long t = x.size(2);
    long d = x.size(3);
    return x.permute(0, 2, 1, 3).dup('c').reshape('c', b * t, h * d);
  }
}
