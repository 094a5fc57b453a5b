package dev.manimgrpo.policy.model;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small models and batches shared by the tests. */
final class TinyModels {

  static final ModelConfig TINY = new ModelConfig(11, 2, 2, 8, 6, 4, 0.0);

  private TinyModels() {}

  /**
   * GPT-2 init is so small that attention is nearly uniform and LayerNorm gains are exactly 1; for
   * gradient checks every path should matter, so weights are scaled up and gains/biases jittered.
   */
  static ModelParameters lively(ModelConfig c, long seed, DataType type) {
    ModelParameters p = ModelParameters.initialise(c, seed, type);
    Random r = new Random(seed);
    for (String name : p.names()) {
      INDArray a = p.get(name);
      if (a.rank() == 2) {
        a.muli(10.0);
      } else {
        INDArray noise = Nd4j.create(gaussian(r, (int) a.length()), a.shape()).castTo(type);
        a.addi(noise.muli(0.2));
      }
    }
    return p;
  }

  static double[] gaussian(Random r, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = r.nextGaussian();
    }
    return d;
  }

  static int[][] randomTokens(Random r, int batch, int time, int vocab) {
    int[][] t = new int[batch][time];
    for (int[] row : t) {
      for (int i = 0; i < time; i++) {
        row[i] = r.nextInt(vocab);
      }
    }
    return t;
  }

  /** Next-token targets: tokens shifted left, -1 at the end. */
  static int[][] shiftedTargets(int[][] tokens) {
    int[][] t = new int[tokens.length][];
    for (int b = 0; b < tokens.length; b++) {
      t[b] = new int[tokens[b].length];
      for (int i = 0; i < t[b].length; i++) {
        t[b][i] = i + 1 < t[b].length ? tokens[b][i + 1] : -1;
      }
    }
    return t;
  }
}
