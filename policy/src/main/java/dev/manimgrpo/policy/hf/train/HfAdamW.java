package dev.manimgrpo.policy.hf.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW over named arrays (what {@link HfTrainingModel#parameters()} trains), step for step as
 * {@code torch.optim.AdamW} computes it: {@code p *= 1 - lr wd}, then {@code p -= lr / (1 -
 * beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}. Weight decay applies to matrices (LoRA's A
 * and B, linear weights, embeddings), not to biases or norm weights, as the Hugging Face trainer
 * groups them. State exists only for what trains.
 */
public final class HfAdamW {

  private final Map<String, INDArray> params;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
  private final LinkedHashMap<String, INDArray> v = new LinkedHashMap<>();
  private long step;

  public HfAdamW(Map<String, INDArray> params, double beta1, double beta2, double eps, double weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("AdamW needs 0 <= beta1, beta2 < 1, eps > 0, weight decay >= 0; got "
          + beta1 + ", " + beta2 + ", " + eps + ", " + weightDecay);
    }
    this.params = params;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    params.forEach((k, p) -> {
      m.put(k, Nd4j.zeros(DataType.FLOAT, p.shape()));
      v.put(k, Nd4j.zeros(DataType.FLOAT, p.shape()));
    });
  }

  public long step() {
    return step;
  }

  /** One update of every parameter with its gradient (every parameter needs one). */
  public void update(Map<String, INDArray> grads, double learningRate) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = Math.sqrt(1 - Math.pow(beta2, step));
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      String name = e.getKey();
      INDArray p = e.getValue();
      INDArray g = grads.get(name);
      if (g == null) {
        throw new IllegalArgumentException("no gradient for " + name);
      }
      if (weightDecay > 0 && p.rank() == 2) {
        p.muli(1 - learningRate * weightDecay);
      }
      INDArray mi = m.get(name).muli(beta1).addi(g.mul(1 - beta1));
      INDArray vi = v.get(name).muli(beta2).addi(g.mul(g).muli(1 - beta2));
      INDArray denominator = Transforms.sqrt(vi, true).divi(correction2).addi(eps);
      p.subi(mi.div(denominator).muli(learningRate / correction1));
    }
  }

  /** {@code m.<name>}, {@code v.<name>} and a scalar {@code step}, for checkpoints. */
  public LinkedHashMap<String, INDArray> state() {
    LinkedHashMap<String, INDArray> s = new LinkedHashMap<>();
    m.forEach((k, a) -> s.put("m." + k, a));
    v.forEach((k, a) -> s.put("v." + k, a));
    s.put("step", Nd4j.scalar(DataType.FLOAT, (float) step));
    return s;
  }

  /** Restores {@link #state()}; every entry must be there with its shape. */
  public void loadState(Map<String, INDArray> state) {
    for (String k : params.keySet()) {
      for (String prefix : new String[] {"m.", "v."}) {
        INDArray saved = state.get(prefix + k);
        INDArray into = (prefix.equals("m.") ? m : v).get(k);
        if (saved == null || !java.util.Arrays.equals(saved.shape(), into.shape())) {
          throw new IllegalArgumentException("optimizer state has no " + prefix + k + " of shape "
              + java.util.Arrays.toString(into.shape()) + "; was it saved for another adapter?");
        }
        into.assign(saved);
      }
    }
    INDArray s = state.get("step");
    if (s == null) {
      throw new IllegalArgumentException("optimizer state has no step");
    }
    step = (long) s.getFloat(0);
  }
}
