package dev.manimgrpo.policy.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The result of {@link LanguageModel#forward}: target log-probabilities, and what backward needs. */
public interface TrainingPass {

  /** log p(target) per token, {@code [B, T]}, 0 where the target is -1. */
  INDArray logProbs();

  /** 1 where the target is a real token, 0 where it is -1; {@code [B, T]}. */
  INDArray targetMask();

  int batch();

  int time();

  default float[][] logProbsArray() {
    return logProbs().castTo(DataType.FLOAT).toFloatMatrix();
  }
}
