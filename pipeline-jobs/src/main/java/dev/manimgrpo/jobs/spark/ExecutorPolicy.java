package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.policy.openai.OpenAiPolicyClient;
import dev.manimgrpo.policy.Dl4jPolicyClient;
import dev.manimgrpo.policy.HfPolicyClient;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.model.LanguageModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The policy client of one executor JVM, shared by all its tasks: the DL4J policy is loaded once
 * per executor (not per task or row), an OpenAI-compatible client's connection pool and request
 * limit are per executor too. A task asking with another policy configuration (the next step of
 * a loop in the same JVM) replaces it. None is made on a node that failed its preflight
 * ({@link ExecutorPreflight}).
 */
public final class ExecutorPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorPolicy.class);
  private static final Map<String, PolicyClient> CLIENTS = new HashMap<>();

  private ExecutorPolicy() {}

  /** The client for this configuration's {@code policy.*}, loaded on first use. */
  public static synchronized PolicyClient get(PipelineConfig config) {
    ExecutorPreflight.requireOk();
    String key = key(config);
    PolicyClient c = CLIENTS.get(key);
    if (c == null) {
      for (PolicyClient old : CLIENTS.values()) {
        old.close();
      }
      CLIENTS.clear();
      c = create(config);
      CLIENTS.put(key, c);
      LOG.info("policy client ready: {}", c.policyId());
    }
    return c;
  }

  /** Drops the clients (local runs call this at the end of a job, so the next loads afresh). */
  public static synchronized void clear() {
    for (PolicyClient c : CLIENTS.values()) {
      c.close();
    }
    CLIENTS.clear();
  }

  private static String key(PipelineConfig config) {
    return config.policy().toString();
  }

  private static PolicyClient create(PipelineConfig config) {
    PolicyConfig p = config.policy();
    if (p.backend() == PolicyConfig.Backend.REPLAY) {
      return dev.manimgrpo.jobs.rollout.ReplayPolicyClient.load(p.replayShard(), hadoopConf(config));
    }
    if (p.backend() == PolicyConfig.Backend.LLAMA_CPP) {
      try {
        return dev.manimgrpo.policy.LlamaCppPolicyClient.load(PolicyLoader.modelFolder(p.checkpoint(),
            hadoopConf(config)), p.openai());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the tokenizer of " + p.checkpoint() + ": " + e.getMessage(), e);
      }
    }
    if (p.backend() == PolicyConfig.Backend.OPENAI) {
      String confKey = p.openai().keySparkConf();
      return OpenAiPolicyClient.create(p.openai(), () -> sparkConf() == null || confKey.isEmpty() ? null
          : sparkConf().get(confKey, null));
    }
    try {
      // A Hugging Face checkpoint (config.json and safetensors, or a PEFT adapter of one; the default
      // bundled-hf) samples through its own client; a trainer run folder stands for its newest checkpoint.
      if (HfPolicyClient.isHfModel(PolicyLoader.modelFolder(p.checkpoint(), hadoopConf(config)))) {
        return PolicyLoader.hfClient(p.checkpoint(), hadoopConf(config));
      }
      Policy policy = new PolicyLoader(hadoopConf(config)).load(p.checkpoint());
      return new Dl4jPolicyClient(policy, LanguageModel.of(p.engine()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the policy " + p.checkpoint() + ": " + e.getMessage(), e);
    }
  }

  private static SparkConf sparkConf() {
    SparkEnv env = SparkEnv.get();
    return env == null ? null : env.conf();
  }

  /** The executor's Hadoop settings: spark.hadoop.* of the running application, else of the configuration. */
  static Configuration hadoopConf(PipelineConfig config) {
    Configuration c = new Configuration();
    config.spark().conf().forEach((k, v) -> {
      if (k.startsWith("spark.hadoop.")) {
        c.set(k.substring("spark.hadoop.".length()), v);
      }
    });
    SparkConf sc = sparkConf();
    if (sc != null) {
      for (Tuple2<String, String> kv : sc.getAllWithPrefix("spark.hadoop.")) {
        c.set(kv._1(), kv._2());
      }
    }
    return c;
  }
}
