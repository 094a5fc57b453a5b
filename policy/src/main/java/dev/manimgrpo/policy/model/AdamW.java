package dev.manimgrpo.policy.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (decoupled weight decay) with bias correction, as whole-array ND4J operations.
 *
 * <p>Weight decay applies to the rank-2 weights (attention and MLP matrices, and the token embedding,
 * which is also the LM head, as in GPT-2/nanoGPT), not to biases, LayerNorm gains/biases, or the
 * position embedding: decoupled decay shrinks a parameter every step whether or not it gets a
 * gradient, and positions past the usual sequence length rarely do.
 *
 * <p>State for checkpoints: {@link #state()} gives {@code m.<param>}, {@code v.<param>} and a scalar
 * {@code step}; {@link #loadState} restores it.
 */
public final class AdamW {

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final FlatStore m;
  private final FlatStore v;
  private final INDArray decayMask; // 1 where weight decay applies, laid out like the parameters
  private long step;

  public AdamW(ModelParameters params, double beta1, double beta2, double eps,
      double weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("AdamW: beta1 and beta2 must be in [0, 1), got " + beta1
          + " and " + beta2);
    }
    if (!(eps > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("AdamW: eps must be > 0 and weightDecay >= 0, got " + eps
          + " and " + weightDecay);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = FlatStore.zerosLike(params.store(), params.dataType());
    this.v = FlatStore.zerosLike(params.store(), params.dataType());
    FlatStore mask = FlatStore.zerosLike(params.store(), params.dataType());
    params.asMap().forEach((k, a) -> mask.views().get(k).assign(decays(k, a) ? 1.0 : 0.0));
    this.decayMask = mask.flat();
  }

  /** beta1 0.9, beta2 0.95, eps 1e-8, weight decay 0.1. */
  public static AdamW withDefaults(ModelParameters params) {
    return new AdamW(params, 0.9, 0.95, 1e-8, 0.1);
  }

  /** Whether weight decay applies to the named parameter (see the class comment). */
  public static boolean decays(String name, INDArray param) {
    return param.rank() == 2 && !name.equals(ModelParameters.POSITION_EMBEDDING);
  }

  /**
   * Scales {@code grads} in place so their global L2 norm is at most {@code maxNorm}; returns the
   * norm before clipping (for logging). A non-positive {@code maxNorm} only measures.
   */
  public static double clipGlobalNorm(Gradients grads, double maxNorm) {
    double norm = grads.globalNorm();
    if (maxNorm > 0 && norm > maxNorm) {
      grads.muli(maxNorm / (norm + 1e-6));
    }
    return norm;
  }

  /** One update of {@code params} in place with learning rate {@code lr}. */
  public void step(ModelParameters params, Gradients grads, double lr) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    INDArray p = params.flat();
    INDArray g = grads.flat();
    INDArray mf = m.flat();
    INDArray vf = v.flat();
    if (p.length() != mf.length() || g.length() != mf.length()) {
      throw new IllegalArgumentException("AdamW: parameters/gradients do not match its state ("
          + p.length() + ", " + g.length() + " vs " + mf.length() + ")");
    }
    mf.muli(beta1).addi(g.mul(1 - beta1));
    vf.muli(beta2).addi(g.mul(g).muli(1 - beta2));
    if (weightDecay > 0) {
      // Decoupled: p *= 1 - lr * wd where the mask is 1, before the Adam step (as in PyTorch).
      p.subi(p.mul(decayMask).muli(lr * weightDecay));
    }
    INDArray denom = Transforms.sqrt(vf.div(correction2), false).addi(eps);
    p.subi(mf.div(denom).muli(lr / correction1));
  }

  /** Updates taken so far. */
  public long stepCount() {
    return step;
  }

  /** Optimizer state by name: {@code m.<param>}, {@code v.<param>} (live arrays) and {@code step}. */
  public LinkedHashMap<String, INDArray> state() {
    LinkedHashMap<String, INDArray> s = new LinkedHashMap<>();
    m.views().forEach((k, a) -> s.put("m." + k, a));
    v.views().forEach((k, a) -> s.put("v." + k, a));
    s.put("step", Nd4j.scalar(DataType.LONG, step));
    return s;
  }

  /** Restores state written by {@link #state()} (copies values into this optimizer's arrays). */
  public void loadState(Map<String, INDArray> state) {
    for (String k : m.views().keySet()) {
      m.views().get(k).assign(required(state, "m." + k));
      v.views().get(k).assign(required(state, "v." + k));
    }
    step = required(state, "step").getLong(0);
  }

  private static INDArray required(Map<String, INDArray> state, String key) {
    INDArray a = state.get(key);
    if (a == null) {
      throw new IllegalArgumentException("AdamW state has no " + key);
    }
    return a;
  }
}
