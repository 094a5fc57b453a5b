package dev.manimgrpo.policy.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training-mode forward pass: the per-token target log-probabilities, and the activations that
 * {@link Nd4jTransformerLm#backward} needs.
 */
public final class ForwardResult implements TrainingPass {

  /** Activations of one block kept for backward. Dropout masks are null when dropout is off. */
  record BlockActivations(
      Ops.Norm ln1, INDArray ln1Out,
      INDArray q, INDArray k, INDArray v, // [B, H, T, hd]; q already scaled by 1/sqrt(hd)
      INDArray probs, INDArray probsMask, // [B, H, T, T]
      INDArray attended, INDArray attnOutMask, // [B*T, D]
      Ops.Norm ln2, INDArray ln2Out,
      INDArray mlpPre, INDArray mlpAct, INDArray mlpOutMask) {}

  final ModelParameters params;
  final int batch;
  final int time;
  final INDArray tokenIndex; // [B*T] token ids
  final INDArray positionIndex; // [B*T] positions
  final INDArray flatTargetIndex; // [B*T] row*V + target (target -1 mapped to 0)
  final INDArray valid; // [B*T, 1] 1 where the target is not -1
  final List<BlockActivations> blocks;
  final Ops.Norm finalNorm;
  final INDArray finalOut; // [B*T, D]
  final INDArray logits; // [B*T, V]
  final INDArray logSumExp; // [B*T, 1]
  private final INDArray logProbs; // [B, T]

  ForwardResult(ModelParameters params, int batch, int time, INDArray tokenIndex,
      INDArray positionIndex, INDArray flatTargetIndex, INDArray valid,
      List<BlockActivations> blocks, Ops.Norm finalNorm, INDArray finalOut, INDArray logits,
      INDArray logSumExp, INDArray logProbs) {
    this.params = params;
    this.batch = batch;
    this.time = time;
    this.tokenIndex = tokenIndex;
    this.positionIndex = positionIndex;
    this.flatTargetIndex = flatTargetIndex;
    this.valid = valid;
    this.blocks = blocks;
    this.finalNorm = finalNorm;
    this.finalOut = finalOut;
    this.logits = logits;
    this.logSumExp = logSumExp;
    this.logProbs = logProbs;
  }

  @Override
  public INDArray logProbs() {
    return logProbs;
  }

  @Override
  public INDArray targetMask() {
    return valid.reshape('c', batch, time);
  }

  @Override
  public int batch() {
    return batch;
  }

  @Override
  public int time() {
    return time;
  }
}
