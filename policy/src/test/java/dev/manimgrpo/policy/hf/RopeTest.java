package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RopeTest {

  @Test
  void defaultInverseFrequenciesAreThetaToTheMinusTwoIOverD() {
    float[] inv = Rope.inverseFrequencies(8, 10000, RopeScaling.NONE);
    assertThat(inv).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat((double) inv[i]).isCloseTo(Math.pow(10000, -2.0 * i / 8), within(1e-7 * Math.pow(10000, -2.0 * i / 8)));
    }
    assertThat(inv[0]).isEqualTo(1f);
  }

  @Test
  void linearScalingDividesEveryFrequency() {
    float[] plain = Rope.inverseFrequencies(8, 10000, RopeScaling.NONE);
    float[] linear = Rope.inverseFrequencies(8, 10000, RopeScaling.linear(4));
    for (int i = 0; i < 4; i++) {
      assertThat(linear[i]).isEqualTo(plain[i] / 4f);
    }
  }

  /**
   * d = 8, theta = 10000: inverse frequencies 1, 0.1, 0.01, 0.001, wavelengths 2 pi / inv = 6.3,
   * 62.8, 628, 6283. With L = 64, low 1, high 4 the bands are below 16 (kept), above 64 (divided
   * by the factor) and between (smoothed): one frequency each, and one more divided.
   */
  @Test
  void llama3ScalingKeepsHighDividesLowAndSmoothsTheMiddleBand() {
    float[] inv = Rope.inverseFrequencies(8, 10000, RopeScaling.llama3(8, 1, 4, 64));
    double smooth = (64 / (2 * Math.PI / 0.1) - 1) / (4 - 1);
    double[] expected = {1.0, (1 - smooth) * 0.1 / 8 + smooth * 0.1, 0.01 / 8, 0.001 / 8};
    for (int i = 0; i < 4; i++) {
      assertThat((double) inv[i]).as("frequency " + i)
          .isCloseTo(expected[i], within(2e-7 * expected[i]));
    }
  }

  /**
   * d = 4, theta = 10000: frequencies 1 and 0.01; HF pairs element i with i + d/2, so at position
   * p: out0 = x0 cos p - x2 sin p, out2 = x2 cos p + x0 sin p, and likewise (1, 3) at 0.01 p.
   */
  @Test
  void rotatesElementIWithElementIPlusHalfAtEachPosition() {
    Rope rope = new Rope(4, 10000, RopeScaling.NONE);
    int batch = 2;
    int heads = 3;
    int time = 3;
    int start = 5;
    Random r = new Random(1);
    float[] values = new float[batch * heads * time * 4];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) r.nextGaussian();
    }
    INDArray x = Nd4j.create(values, new long[] {batch, heads, time, 4}, 'c');
    INDArray out = rope.apply(x, start);
    assertThat(out.shape()).containsExactly(batch, heads, time, 4);
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        for (int t = 0; t < time; t++) {
          double p = start + t;
          double[] v = new double[4];
          for (int i = 0; i < 4; i++) {
            v[i] = x.getDouble(b, h, t, i);
          }
          double[] want = {
              v[0] * Math.cos(p) - v[2] * Math.sin(p),
              v[1] * Math.cos(0.01 * p) - v[3] * Math.sin(0.01 * p),
              v[2] * Math.cos(p) + v[0] * Math.sin(p),
              v[3] * Math.cos(0.01 * p) + v[1] * Math.sin(0.01 * p)};
          for (int i = 0; i < 4; i++) {
            assertThat(out.getDouble(b, h, t, i)).as("b%d h%d t%d i%d", b, h, t, i)
                .isCloseTo(want[i], within(1e-5));
          }
        }
      }
    }
  }

  @Test
  void scoresDependOnlyOnTheDistanceBetweenPositions() {
    Rope rope = new Rope(16, 500000, RopeScaling.llama3(8, 1, 4, 64));
    INDArray q = Nd4j.rand(DataType.FLOAT, 1, 1, 1, 16).subi(0.5);
    INDArray k = Nd4j.rand(DataType.FLOAT, 1, 1, 1, 16).subi(0.5);
    double near = dot(rope.apply(q, 7), rope.apply(k, 4));
    double far = dot(rope.apply(q, 40), rope.apply(k, 37));
    assertThat(far).isCloseTo(near, within(1e-5));
    assertThat(rope.apply(q, 9).norm2Number().doubleValue())
        .isCloseTo(q.norm2Number().doubleValue(), within(1e-5));
  }

  private static double dot(INDArray a, INDArray b) {
    return a.mul(b).sumNumber().doubleValue();
  }
}
