package dev.manimgrpo.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The policy that writes Manim code and how it samples; see {@code policy.*} in reference.yaml.
 *
 * @param backend who samples: the project's own DL4J policy, or an OpenAI-compatible server
 * @param checkpoint the policy: {@value #BUNDLED_HF} (the default starter), {@value #BUNDLED_OWN}, a Hugging
 *     Face model or adapter folder, a trainer checkpoint or run folder (local path or s3a://); empty or
 *     {@value #BUNDLED} = the default starter
 * @param sampling how completions are drawn
 * @param openai the server the {@code openai} backend talks to
 * @param engine how the dl4j backend computes the policy when sampling in the executors
 * @param replayShard the replay backend's shard: a (run, step) folder whose completions are replayed
 */
public record PolicyConfig(Backend backend, String checkpoint, SamplingConfig sampling, OpenAiConfig openai,
    TrainerConfig.Engine engine, String replayShard) implements java.io.Serializable {

  public PolicyConfig {
    backend = backend == null ? Backend.DL4J : backend;
    checkpoint = starterAlias(checkpoint);
    if (sampling == null) {
      throw new IllegalArgumentException("policy.sampling must be set");
    }
    if (openai == null) {
      throw new IllegalArgumentException("policy.openai must be set");
    }
    engine = engine == null ? TrainerConfig.Engine.ND4J : engine;
    replayShard = replayShard == null ? "" : replayShard.strip();
    if (backend == Backend.REPLAY && replayShard.isEmpty()) {
      throw new IllegalArgumentException("policy.backend is replay but policy.replay-shard is empty: set it to a"
          + " rollout shard's (run, step) folder, e.g. outputs/rollouts/run_id=r1/step=0");
    }
    if (backend == Backend.LLAMA_CPP && (openai.baseUrl().isEmpty() || BUNDLED_OWN.equals(checkpoint))) {
      throw new IllegalArgumentException("policy.backend is llama-cpp: set policy.openai.base-url to the llama-server"
          + " address (e.g. http://127.0.0.1:8080) and policy.checkpoint to the Hugging Face folder (or adapter, or"
          + " trainer run folder; default " + BUNDLED_HF + ") whose GGUF export it serves: its tokenizer and prompt"
          + " format are used");
    }
    if (backend == Backend.OPENAI && openai.baseUrl().isEmpty()) {
      throw new IllegalArgumentException("policy.backend is openai but policy.openai.base-url is empty: set it to the"
          + " server's /v1 address, e.g. --conf policy.openai.base-url=http://127.0.0.1:8080/v1");
    }
  }

  /** The DL4J backend with a checkpoint and sampling settings, the OpenAI settings at their defaults. */
  public PolicyConfig(String checkpoint, SamplingConfig sampling) {
    this(Backend.DL4J, checkpoint, sampling, OpenAiConfig.defaults(), TrainerConfig.Engine.ND4J, "");
  }

  /**
   * The checkpoint name of the bundled Hugging Face starter (a small Qwen2 model the project
   * trains), accepted wherever a Hugging Face model folder is; the default policy.
   */
  public static final String BUNDLED_HF = "bundled-hf";
  /**
   * The checkpoint name of the project's own bundled starter (the from-scratch transformer of
   * {@code manim-grpo-trainer sft}), the default before the Hugging Face starter.
   */
  public static final String BUNDLED_OWN = "bundled-own";
  /** Another name of the default starter ({@value #BUNDLED_HF}), as earlier configurations and DAG runs say it. */
  public static final String BUNDLED = "bundled";

  /**
   * A policy location with the default starter's aliases (empty, {@value #BUNDLED}) resolved to
   * {@value #BUNDLED_HF}; any other location as given (trimmed).
   */
  public static String starterAlias(String location) {
    String l = location == null ? "" : location.strip();
    return l.isEmpty() || BUNDLED.equals(l) ? BUNDLED_HF : l;
  }

  /** Whether one of the bundled starter policies is used. */
  public boolean bundled() {
    return BUNDLED_HF.equals(checkpoint) || BUNDLED_OWN.equals(checkpoint);
  }

  public PolicyConfig withCheckpoint(String newCheckpoint) {
    return new PolicyConfig(backend, newCheckpoint, sampling, openai, engine, replayShard);
  }

  /** The replay backend over a shard's (run, step) folder. */
  public PolicyConfig replaying(String shard) {
    return new PolicyConfig(Backend.REPLAY, checkpoint, sampling, openai, engine, shard);
  }

  /** Who samples completions. */
  public enum Backend {
    /** The project's policy (model, tokenizer, sampler) loaded once in each executor JVM. */
    DL4J,
    /** An OpenAI-compatible chat-completions server (vLLM, SGLang, llama.cpp's server, Ollama, hosted APIs). */
    OPENAI,
    /** llama.cpp's llama-server serving a GGUF export of {@code checkpoint} (a Hugging Face folder),
     * through its native /completion: token ids in and out, so its rows are trainable. */
    LLAMA_CPP,
    /** The completions of an earlier shard, replayed: re-render and re-score them (another reward, another
     * Manim), or measure the pipeline without sampling's cost. */
    REPLAY;

    @JsonCreator
    public static Backend parse(String s) {
      for (Backend b : values()) {
        if (b.configName().equals(s == null ? "" : s.strip().toLowerCase(Locale.ROOT))) {
          return b;
        }
      }
      throw new IllegalArgumentException("policy.backend must be dl4j, openai, llama-cpp or replay, got '" + s + "'");
    }

    @JsonValue
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * How completions are sampled ({@code policy.sampling.*}).
   *
   * @param groupSize completions per prompt (G, the GRPO group)
   * @param temperature softmax temperature; 0 = greedy
   * @param topP nucleus mass kept (1 = off)
   * @param minP tokens below minP times the top probability are dropped (0 = off)
   * @param maxTokens most tokens generated per completion
   * @param seed base seed; a completion is a function of (seed, prompt id, step, rollout index)
   */
  public record SamplingConfig(int groupSize, double temperature, double topP, double minP, int maxTokens, long seed)
      implements java.io.Serializable {

    public SamplingConfig {
      if (groupSize < 1) {
        throw new IllegalArgumentException("policy.sampling.group-size must be >= 1, got " + groupSize);
      }
      if (!(temperature >= 0)) {
        throw new IllegalArgumentException("policy.sampling.temperature must be >= 0 (0 = greedy), got " + temperature);
      }
      if (!(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("policy.sampling.top-p must be in (0, 1], got " + topP);
      }
      if (!(minP >= 0 && minP < 1)) {
        throw new IllegalArgumentException("policy.sampling.min-p must be in [0, 1), got " + minP);
      }
      if (maxTokens < 1) {
        throw new IllegalArgumentException("policy.sampling.max-tokens must be >= 1, got " + maxTokens);
      }
    }

    /** The same sampling for groups of {@code size} completions. */
    public SamplingConfig withGroupSize(int size) {
      return new SamplingConfig(size, temperature, topP, minP, maxTokens, seed);
    }
  }

  /**
   * An OpenAI-compatible chat-completions server ({@code policy.openai.*}).
   *
   * @param baseUrl the API root ending in /v1, e.g. http://127.0.0.1:8080/v1
   * @param model the model name sent with each request
   * @param keyEnv environment variable holding the API key (empty or unset: no key is sent)
   * @param keySparkConf Spark configuration key holding the API key, read when the variable is unset
   *     (spark.* keys matching spark.redaction.regex are redacted in Spark's UI and logs)
   * @param maxConcurrency requests in flight at once per executor JVM
   * @param maxRetries retries of a request after a 429, 5xx, timeout or malformed answer
   * @param backoffInitialMs first wait before a retry; doubled each time, with jitter
   * @param backoffMaxMs longest wait before a retry (a Retry-After header is honoured up to this)
   * @param timeoutSeconds limit of one request
   * @param logprobs ask for the log-probability of each token
   * @param sendMinP send min_p (vLLM, SGLang, llama.cpp and Ollama accept it; hosted APIs may refuse it)
   * @param maxN most choices asked for in one request (0 = the whole group at once)
   */
  public record OpenAiConfig(String baseUrl, String model, String keyEnv, String keySparkConf, int maxConcurrency,
      int maxRetries, long backoffInitialMs, long backoffMaxMs, int timeoutSeconds, boolean logprobs, boolean sendMinP,
      int maxN) implements java.io.Serializable {

    public OpenAiConfig {
      baseUrl = baseUrl == null ? "" : baseUrl.strip();
      while (baseUrl.endsWith("/")) {
        baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
      }
      if (!baseUrl.isEmpty() && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
        throw new IllegalArgumentException("policy.openai.base-url must start with http:// or https://, got '" + baseUrl + "'");
      }
      model = model == null ? "" : model.strip();
      keyEnv = keyEnv == null ? "" : keyEnv.strip();
      keySparkConf = keySparkConf == null ? "" : keySparkConf.strip();
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException("policy.openai.max-concurrency must be >= 1, got " + maxConcurrency);
      }
      if (maxRetries < 0) {
        throw new IllegalArgumentException("policy.openai.max-retries must be >= 0, got " + maxRetries);
      }
      if (backoffInitialMs < 0 || backoffMaxMs < backoffInitialMs) {
        throw new IllegalArgumentException("policy.openai.backoff-initial-ms must be >= 0 and <= backoff-max-ms, got "
            + backoffInitialMs + " and " + backoffMaxMs);
      }
      if (timeoutSeconds < 1) {
        throw new IllegalArgumentException("policy.openai.timeout-seconds must be >= 1, got " + timeoutSeconds);
      }
      if (maxN < 0) {
        throw new IllegalArgumentException("policy.openai.max-n must be >= 0 (0 = the whole group), got " + maxN);
      }
    }

    static OpenAiConfig defaults() {
      return new OpenAiConfig("", "", "OPENAI_API_KEY", "spark.manim-grpo.openai.api-key", 4, 4, 500, 20_000, 300, true, true, 0);
    }
  }
}
