package dev.manimgrpo.policy.preflight;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.preflight.CheckResult;
import dev.manimgrpo.core.preflight.PreflightCheck;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native backend loads and computes, where the configuration samples with the dl4j policy
 * (the policy section's backend, or any of eval.policies'). Registered with
 * {@link java.util.ServiceLoader}, so pipeline-core runs it without depending on ND4J.
 */
public final class Nd4jNativeCheck implements PreflightCheck {

  static final String NAME = "policy natives (nd4j)";

  @Override
  public boolean appliesTo(PipelineConfig config) {
    if (config.policy().backend() == PolicyConfig.Backend.DL4J) {
      return true;
    }
    try {
      return config.eval().resolve(config.policy()).stream()
          .anyMatch(p -> p.policy().backend() == PolicyConfig.Backend.DL4J);
    } catch (IllegalArgumentException e) {
      return false; // a bad eval policy list is the configuration's error, reported where it is read
    }
  }

  @Override
  public List<CheckResult> run(PipelineConfig config) {
    String platform = System.getProperty("os.name", "?").toLowerCase(Locale.ROOT) + "-"
        + System.getProperty("os.arch", "?");
    try {
      INDArray a = Nd4j.create(new float[] {1f, 2f, 3f}, new long[] {3});
      double sum = a.sumNumber().doubleValue();
      if (sum != 6.0) {
        return List.of(CheckResult.failed(NAME, "ND4J computed 1+2+3 = " + sum + " on " + platform,
            "reinstall the job's lib/ folder (nd4j-native and its " + platform + " jar)"));
      }
      return List.of(CheckResult.ok(NAME, Nd4j.getBackend().getClass().getSimpleName() + " on " + platform));
    } catch (RuntimeException | LinkageError e) {
      return List.of(CheckResult.failed(NAME, "ND4J's native backend did not load on " + platform + ": "
          + rootMessage(e), "put ND4J's native backend for " + platform + " on the executor's class path (the"
          + " nd4j-native jars of the job's lib/ folder, built with -Pcuda for nd4j-cuda) and its system"
          + " libraries (apt-get install libgomp1 libstdc++6), or set policy.backend=openai"));
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
