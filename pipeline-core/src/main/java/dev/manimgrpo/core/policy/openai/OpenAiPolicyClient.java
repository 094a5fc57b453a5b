package dev.manimgrpo.core.policy.openai;

import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.policy.openai.ChatCompletions.Choice;
import dev.manimgrpo.core.policy.openai.ChatCompletions.MalformedAnswerException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A policy served by an OpenAI-compatible chat-completions server (vLLM, SGLang, llama.cpp's
 * llama-server, Ollama, hosted APIs): {@code POST {base-url}/chat/completions} with the task as
 * {@link dev.manimgrpo.core.policy.ChatPrompt} messages and {@code n} = the number of rollout
 * indices asked for.
 *
 * <p><b>Seeds.</b> A request for indices {@code [i0, i1, ...]} carries the seed of {@code i0}
 * (see {@link ChatCompletions#wireSeed}); its {@code k}-th choice becomes rollout index {@code ik}.
 * A group is therefore reproducible only as far as the server is: with the same seed, the same
 * {@code n} and a server that samples its choices deterministically. A re-request of missing indices
 * carries the seed of its own first index, so the members it returns differ from those the first
 * request would have returned. The server's tokenizer is not the trainer's: token ids are unknown
 * ({@code null}) and {@link #trainerReproducible()} is false; log-probs are the server's, per token
 * of its own tokenizer, when {@code policy.openai.logprobs} is set and the server gives them.
 *
 * <p><b>Limits and retries.</b> Requests in flight to one base URL are bounded per JVM by
 * {@code max-concurrency} (a semaphore shared by all clients of that URL; it is not held while
 * waiting to retry). An HTTP 408, 429 or 5xx, a timeout, a connection error, a malformed answer and
 * an answer with fewer choices than asked for are retried up to {@code max-retries} times, after
 * {@code backoff-initial-ms} doubled per retry, capped at {@code backoff-max-ms}, with jitter (half
 * the delay is random); a {@code Retry-After} header raises the wait up to the cap. Only missing
 * indices are asked for again. Any other status is not retried. What is still missing then becomes
 * {@link Generation#failed} generations whose error names the failure, the URL and the number of
 * attempts: {@link #generate} returns one generation per requested index and does not throw.
 *
 * <p><b>The key.</b> {@code Authorization: Bearer <key>} is sent when a key is found (the
 * environment variable {@code key-env}, else the caller's supplier). Server text kept in an error
 * or a log line is redacted of the key first, and no object here prints it.
 */
public final class OpenAiPolicyClient implements PolicyClient {

  /** Smallest bound on an answer's size, and what each requested token may add to it (text and log-probs). */
  static final long MIN_ANSWER_BYTES = 1L << 20;
  static final long BYTES_PER_TOKEN = 1024;


  private static final Logger LOG = LoggerFactory.getLogger(OpenAiPolicyClient.class);
  /** Characters of a server's error body kept in a generation's error. */
  static final int BODY_CHARS = 200;

  private final OpenAiConfig config;
  private final URI endpoint;
  private final String displayEndpoint;
  private final String policyId;
  private final Optional<ApiKey> key;
  private final Semaphore permits;
  private final HttpClient http;

  /**
   * A client whose key comes from the environment variable {@code policy.openai.key-env} only.
   *
   * @throws IllegalArgumentException when {@code policy.openai.base-url} is empty or not a URL
   */
  public static OpenAiPolicyClient create(OpenAiConfig config) {
    return create(config, () -> null);
  }

  /**
   * A client whose key comes from the environment variable {@code policy.openai.key-env}, else from
   * {@code fallbackKey} (the Spark job passes the value of the Spark conf key
   * {@code policy.openai.key-spark-conf}); no key: no Authorization header.
   *
   * @throws IllegalArgumentException when {@code policy.openai.base-url} is empty or not a URL
   */
  public static OpenAiPolicyClient create(OpenAiConfig config, Supplier<String> fallbackKey) {
    return new OpenAiPolicyClient(config, System::getenv, fallbackKey);
  }

  OpenAiPolicyClient(OpenAiConfig config, Function<String, String> environment, Supplier<String> fallbackKey) {
    this.config = Objects.requireNonNull(config, "config");
    if (config.baseUrl().isEmpty()) {
      throw new IllegalArgumentException("policy.openai.base-url is empty: set it to the server's /v1 address,"
          + " e.g. --conf policy.openai.base-url=http://127.0.0.1:8080/v1");
    }
    URI base;
    try {
      base = URI.create(config.baseUrl());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("policy.openai.base-url is not a URL: " + e.getMessage(), e);
    }
    if (base.getRawUserInfo() != null) {
      throw new IllegalArgumentException("policy.openai.base-url must not carry user info (user:password@):"
          + " put the key in the environment variable named by policy.openai.key-env");
    }
    this.endpoint = URI.create(config.baseUrl() + "/chat/completions");
    this.displayEndpoint = endpoint.getScheme() + "://" + endpoint.getRawAuthority() + endpoint.getRawPath();
    this.policyId = "openai:" + (config.model().isEmpty() ? "default" : config.model()) + "@"
        + base.getScheme() + "://" + base.getRawAuthority() + (base.getRawPath() == null ? "" : base.getRawPath());
    this.key = ApiKey.resolve(config, environment, fallbackKey);
    this.permits = ConcurrencyLimits.forServer(config.baseUrl(), config.maxConcurrency());
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(Math.min(config.timeoutSeconds(), 30)))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** {@code openai:<model>@<base-url>} ({@code default} when no model is configured). */
  @Override
  public String policyId() {
    return policyId;
  }

  /** False: the server's tokenizer and model are not the trainer's. */
  @Override
  public boolean trainerReproducible() {
    return false;
  }

  /** Whether requests carry an Authorization header. */
  public boolean hasKey() {
    return key.isPresent();
  }

  @Override
  public List<Generation> generate(GroupRequest request) {
    int maxN = config.maxN();
    if (maxN > 0 && request.rolloutIndices().size() > maxN) {
      // A server that takes at most max-n choices a request (llama-server: its slots): one request per chunk.
      List<Generation> all = new ArrayList<>();
      List<Integer> indices = request.rolloutIndices();
      for (int from = 0; from < indices.size(); from += maxN) {
        all.addAll(generate(new GroupRequest(request.promptId(), request.taskPrompt(), request.step(),
            indices.subList(from, Math.min(indices.size(), from + maxN)), request.sampling())));
      }
      return all;
    }
    long start = System.nanoTime();
    Map<Integer, Generation> done = new HashMap<>();
    List<Integer> missing = new ArrayList<>(new java.util.LinkedHashSet<>(request.rolloutIndices()));
    Failure last = null;
    int attempts = 0;
    int maxAttempts = config.maxRetries() + 1;
    while (!missing.isEmpty() && attempts < maxAttempts) {
      attempts++;
      Outcome outcome;
      try {
        outcome = attempt(request, missing);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        last = new Failure("interrupted (task cancelled)", null, false, null);
        break;
      } catch (RuntimeException e) {
        // Whatever goes wrong with one group stays in its rows, as PolicyClient promises.
        last = new Failure("unexpected " + e.getClass().getSimpleName(), e.getMessage(), false, null);
        LOG.debug("openai: unexpected {} for prompt {}: {}", e.getClass().getName(), request.promptId(),
            serverText(String.valueOf(e.getMessage())));
        break;
      }
      for (Generation g : outcome.generations()) {
        done.put(g.rolloutIndex(), g);
      }
      List<Integer> before = missing;
      missing = new ArrayList<>();
      for (int i : before) {
        if (!done.containsKey(i)) {
          missing.add(i);
        }
      }
      if (missing.isEmpty()) {
        break;
      }
      last = outcome.failure() != null ? outcome.failure()
          : new Failure("only " + (before.size() - missing.size()) + " of " + before.size() + " choices", null, true, null);
      if (!last.retryable() || attempts >= maxAttempts) {
        break;
      }
      long wait = backoffMs(attempts, last.retryAfterMs());
      LOG.info("openai: {} from {} (attempt {}/{}, {} of {} indices missing); retrying in {} ms", last.what(),
          displayEndpoint, attempts, maxAttempts, missing.size(), request.rolloutIndices().size(), wait);
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        last = new Failure("interrupted (task cancelled) while waiting to retry after " + last.what(), null, false, null);
        break;
      }
    }
    if (!missing.isEmpty()) {
      String reason = reason(last, attempts);
      double share = (System.nanoTime() - start) / 1e9 / missing.size();
      LOG.warn("openai: prompt {} step {}: {} of {} completions failed: {}", request.promptId(), request.step(),
          missing.size(), request.rolloutIndices().size(), reason);
      for (int i : missing) {
        done.put(i, Generation.failed(i, request.seed(i), reason, share));
      }
    }
    List<Generation> out = new ArrayList<>(request.rolloutIndices().size());
    for (int i : request.rolloutIndices()) {
      out.add(done.get(i));
    }
    return out;
  }

  /** One request for the given indices; its choices as generations, and why it fell short if it did. */
  private Outcome attempt(GroupRequest request, List<Integer> indices) throws InterruptedException {
    String body = ChatCompletions.request(config, request.sampling(), request.taskPrompt(), indices.size(),
        request.seed(indices.get(0)));
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(config.timeoutSeconds()))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    key.ifPresent(k -> b.header("Authorization", k.bearer()));
    HttpRequest httpRequest = b.build();

    HttpResponse<java.io.InputStream> response;
    String answer;
    long t0;
    long t1;
    // The answer is read up to a bound that n completions of max_tokens (with their log-probs) cannot
    // reach: a server that ignores max_tokens, or anything in between, cannot fill the executor's heap.
    long cap = MIN_ANSWER_BYTES + (long) indices.size() * request.sampling().maxTokens() * BYTES_PER_TOKEN;
    permits.acquire();
    try {
      LOG.debug("openai: POST {} n={} for prompt {} step {}", displayEndpoint, indices.size(), request.promptId(),
          request.step());
      t0 = System.nanoTime();
      response = http.send(httpRequest, HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream in = response.body()) {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        if (bytes.length > cap) {
          return Outcome.failed(new Failure("answer larger than " + cap + " bytes (n x max_tokens cannot need more;"
              + " does the server honour max_tokens?)", null, false, null));
        }
        answer = new String(bytes, StandardCharsets.UTF_8);
      }
      t1 = System.nanoTime();
    } catch (HttpTimeoutException e) {
      return Outcome.failed(new Failure("no answer within " + config.timeoutSeconds() + " s (timeout-seconds)",
          null, true, null));
    } catch (IOException e) {
      return Outcome.failed(new Failure("connection error", e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()), true, null));
    } finally {
      permits.release();
    }

    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      boolean retryable = status == 408 || status == 429 || status >= 500;
      return Outcome.failed(new Failure("HTTP " + status, answer, retryable,
          retryable ? retryAfterMs(response) : null));
    }
    List<Choice> choices;
    try {
      choices = ChatCompletions.choices(answer);
    } catch (MalformedAnswerException e) {
      return Outcome.failed(new Failure(e.getMessage(), answer, true, null));
    }
    List<Generation> generations = new ArrayList<>();
    double share = (t1 - t0) / 1e9 / Math.max(1, choices.size());
    // usage counts the prompt once and the completions together: per choice only with one choice.
    ChatCompletions.Usage usage = ChatCompletions.usage(answer);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (Choice c : choices) {
      if (c.index() < 0 || c.index() >= indices.size() || !seen.add(c.index())) {
        continue;
      }
      int rollout = indices.get(c.index());
      generations.add(new Generation(rollout, request.seed(rollout), c.text(), null, null, c.logprobs(),
          c.finishReason(), null, share, usage.promptTokens(), choices.size() == 1 ? usage.completionTokens() : -1));
    }
    LOG.debug("openai: {} of {} choices from {} in {} ms", generations.size(), indices.size(), displayEndpoint,
        (t1 - t0) / 1_000_000);
    return new Outcome(generations, null);
  }

  /** The wait before retry number {@code retry} (1 for the first): doubling, capped, half of it random. */
  long backoffMs(int retry, Long retryAfterMs) {
    long base = config.backoffInitialMs();
    for (int i = 1; i < retry && base < config.backoffMaxMs(); i++) {
      base *= 2;
    }
    base = Math.min(base, config.backoffMaxMs());
    long half = base / 2;
    long wait = half + (half > 0 ? ThreadLocalRandom.current().nextLong(base - half + 1) : base - half);
    if (retryAfterMs != null) {
      wait = Math.max(wait, Math.min(retryAfterMs, config.backoffMaxMs()));
    }
    return wait;
  }

  /** A {@code Retry-After} header in milliseconds (delta-seconds or an HTTP date), or null. */
  static Long retryAfterMs(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(OpenAiPolicyClient::parseRetryAfter).orElse(null);
  }

  static Long parseRetryAfter(String value) {
    String v = value.strip();
    try {
      return Math.max(0, Long.parseLong(v)) * 1000;
    } catch (NumberFormatException e) {
      try {
        long ms = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME))
            .toMillis();
        return Math.max(0, ms);
      } catch (RuntimeException notADate) {
        return null;
      }
    }
  }

  /** A generation's error: what failed, where, after how many attempts, and the server's words (redacted). */
  private String reason(Failure failure, int attempts) {
    String what = failure == null ? "no answer" : failure.what();
    StringBuilder s = new StringBuilder(what).append(" from ").append(displayEndpoint);
    s.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
    if (failure != null && !failure.retryable() && what.startsWith("HTTP ")) {
      s.append(" (not retried)");
    }
    if (failure != null && failure.detail() != null && !failure.detail().isBlank()) {
      s.append(": ").append(serverText(failure.detail()));
    }
    return s.toString();
  }

  /** Server text as it may be kept: the key redacted first (so a cut cannot leave part of it), then cut. */
  String serverText(String text) {
    String t = key.map(k -> k.redact(text)).orElse(text).strip().replaceAll("\\s+", " ");
    return t.length() <= BODY_CHARS ? t : t.substring(0, BODY_CHARS) + "...";
  }

  @Override
  public String toString() {
    return "OpenAiPolicyClient[" + policyId + ", key " + (key.isPresent() ? "set" : "not set")
        + ", max-concurrency " + config.maxConcurrency() + ", max-retries " + config.maxRetries() + "]";
  }

  /** Why an attempt fell short: a short description, the server's text if any, and how to go on. */
  private record Failure(String what, String detail, boolean retryable, Long retryAfterMs) {}

  private record Outcome(List<Generation> generations, Failure failure) {
    static Outcome failed(Failure f) {
      return new Outcome(List.of(), f);
    }
  }
}
