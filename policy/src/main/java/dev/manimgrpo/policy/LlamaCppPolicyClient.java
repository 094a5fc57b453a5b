package dev.manimgrpo.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.core.policy.openai.ConcurrencyLimits;
import dev.manimgrpo.policy.hf.HfPromptFormat;
import dev.manimgrpo.policy.hf.ModelFolder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * llama.cpp's {@code llama-server} serving a GGUF export of a Hugging Face checkpoint ({@code
 * export-gguf}), through its native {@code POST /completion}: the prompt goes as the checkpoint's
 * own token ids ({@link HfPromptFormat}, as the in-process client and the trainer prompt it), and
 * each completion comes back as token ids with the log-probability of each (before sampling:
 * the model's own distribution). So its rows are trainable: the tokens are the model's, and the
 * trainer's drift check ({@code trainer.hf.max-logprob-drift}) holds the server to the checkpoint.
 *
 * <p>One request per rollout, with the rollout's seed, up to {@code policy.openai.max-concurrency}
 * at once. llama-server gives one log-prob entry per
 * piece of text it streams: a token that ends inside a UTF-8 character has none (its entry is
 * folded into the next one's), nor do the tokens of a stop string that ended the completion. Those
 * tokens' log-probs are NaN (the trainer recomputes them and leaves them out of its drift check);
 * a completion with none at all has null log-probs. A request failing after {@code policy.openai.max-retries} retries (429,
 * 5xx, timeouts, malformed answers), or refused (4xx), becomes that rollout's failed generation
 * with the reason. Uses policy.openai's base-url (with or without /v1), retries, backoff and
 * timeout; no API key is sent.
 */
public final class LlamaCppPolicyClient implements PolicyClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HfPromptFormat format;
  private final OpenAiConfig server;
  private final String root;
  private final String id;
  private final HttpClient http;
  private final java.util.concurrent.ExecutorService pool;
  /** Requests in flight to this server from this JVM, shared by every client of it (policy.openai.max-concurrency). */
  private final Semaphore permits;

  public LlamaCppPolicyClient(HfPromptFormat format, OpenAiConfig server, String checkpoint) {
    if (server.baseUrl().isEmpty()) {
      throw new IllegalArgumentException("policy.backend is llama-cpp but policy.openai.base-url is empty: set it to"
          + " the llama-server address, e.g. http://127.0.0.1:8080");
    }
    this.format = format;
    this.server = server;
    this.root = server.baseUrl().endsWith("/v1") ? server.baseUrl().substring(0, server.baseUrl().length() - 3)
        : server.baseUrl();
    this.id = "llama-cpp:" + root + " (" + checkpoint + ", " + format.describe() + ")";
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(Math.max(1, server.timeoutSeconds()))).build();
    this.permits = ConcurrencyLimits.forServer(server.baseUrl(), Math.max(1, server.maxConcurrency()));
    this.pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, server.maxConcurrency()), r -> {
      Thread t = new Thread(r, "llama-cpp-policy");
      t.setDaemon(true);
      return t;
    });
  }

  /** The prompt format of the checkpoint folder whose export the server serves. */
  public static LlamaCppPolicyClient load(ModelFolder checkpoint, OpenAiConfig server) throws IOException {
    return new LlamaCppPolicyClient(HfPromptFormat.load(checkpoint), server, checkpoint.location());
  }

  @Override
  public String policyId() {
    return id;
  }

  /** The server's tokens are the checkpoint's own; the trainer checks their log-probs against its own. */
  @Override
  public boolean trainerReproducible() {
    return true;
  }

  /**
   * The group's rollouts, up to {@code policy.openai.max-concurrency} requests in flight to the server
   * from this JVM, whatever the number of clients and task threads (llama-server serves as many at
   * once as it has slots, {@code -np}); in rollout order.
   */
  @Override
  public List<Generation> generate(GroupRequest request) {
    int[] prompt = format.promptIds(request.taskPrompt());
    List<java.util.concurrent.CompletableFuture<Generation>> pending = new ArrayList<>();
    for (int index : request.rolloutIndices()) {
      pending.add(java.util.concurrent.CompletableFuture.supplyAsync(
          () -> one(index, request.seed(index), prompt, request.sampling()), pool));
    }
    List<Generation> out = new ArrayList<>();
    for (var f : pending) {
      out.add(f.join());
    }
    return out;
  }

  /** One rollout, retried on 429, 5xx, timeouts and malformed answers; a failed generation after that. */
  private Generation one(int index, long seed, int[] prompt, SamplingConfig sampling) {
    long t0 = System.nanoTime();
    String body = requestBody(prompt, sampling, seed);
    String failure = null;
    long backoff = Math.max(1, server.backoffInitialMs());
    for (int attempt = 0; attempt <= server.maxRetries(); attempt++) {
      try {
        HttpResponse<String> r;
        permits.acquire();
        try {
          r = http.send(HttpRequest.newBuilder(URI.create(root + "/completion"))
              .timeout(Duration.ofSeconds(Math.max(1, server.timeoutSeconds())))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
          permits.release();
        }
        int status = r.statusCode();
        if (status == 200) {
          Generation g = parse(index, seed, prompt, r.body(), (System.nanoTime() - t0) / 1e9);
          if (g != null) {
            return g;
          }
          failure = "a malformed answer from " + root + "/completion";
        } else {
          failure = "HTTP " + status + " from " + root + "/completion: " + abbreviate(r.body());
          if (status != 429 && status < 500) {
            break;
          }
        }
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + " talking to " + root + "/completion: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = "interrupted";
        break;
      }
      if (attempt < server.maxRetries()) {
        sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        backoff = Math.min(server.backoffMaxMs(), backoff * 2);
      }
    }
    return Generation.failed(index, seed, failure + " (after " + (server.maxRetries() + 1) + " attempts at most)",
        (System.nanoTime() - t0) / 1e9);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private String requestBody(int[] prompt, SamplingConfig s, long seed) {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", JSON.valueToTree(prompt));
    body.put("n_predict", s.maxTokens());
    body.put("temperature", s.temperature());
    body.put("top_p", s.topP());
    body.put("min_p", s.minP());
    body.put("top_k", 0);
    // The top 31 bits: llama.cpp reads the seed as 32 bits and takes 0xFFFFFFFF as "random".
    body.put("seed", seed >>> 33);
    body.put("n_probs", 1);
    body.put("return_tokens", true);
    body.put("cache_prompt", true);
    if (format.chatTemplate() == null) {
      body.set("stop", JSON.valueToTree(PromptTemplate.stopSequences()));
    }
    return body.toString();
  }

  /** The generation of an answer body, or null when the body is not a completion. */
  static Generation parse(int index, long seed, int[] prompt, String answer, double seconds) {
    JsonNode root;
    try {
      root = JSON.readTree(answer);
    } catch (IOException e) {
      return null;
    }
    if (root == null || !root.path("tokens").isArray() || !root.path("content").isTextual()) {
      return null;
    }
    int[] tokens = JSON.convertValue(root.path("tokens"), int[].class);
    float[] logprobs = new float[tokens.length];
    java.util.Arrays.fill(logprobs, Float.NaN); // until an entry names the token
    int t = 0;
    int covered = 0;
    for (JsonNode entry : root.path("completion_probabilities")) {
      while (t < tokens.length && tokens[t] != entry.path("id").asInt(-1)) {
        t++;
      }
      if (t < tokens.length) {
        logprobs[t] = (float) entry.path("logprob").asDouble(Double.NaN);
        covered += Float.isFinite(logprobs[t]) ? 1 : 0;
        t++;
      }
    }
    String stop = root.path("stop_type").asText("");
    String finish = switch (stop) {
      case "eos" -> "eos";
      case "word" -> "stop";
      default -> "length";
    };
    // Entries llama-server did not report stay NaN (the trainer recomputes those); none at all: null.
    return new Generation(index, seed, root.path("content").asText(), prompt, tokens,
        covered > 0 ? logprobs : null, finish, null, seconds);
  }

  @Override
  public ExtractedCode extractCode(String completionText) {
    return format.extractCode(completionText);
  }


  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "LlamaCppPolicyClient[%s]", id);
  }
}
