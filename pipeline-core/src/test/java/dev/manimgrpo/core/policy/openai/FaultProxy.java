package dev.manimgrpo.core.policy.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real server that misbehaves on request: each request takes the next
 * scripted {@link Fault} (or the persistent one, when set), and passes through once the script is
 * used up. It records what it was sent and how many requests it had in flight at most.
 */
public final class FaultProxy implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the proxy does with one request. */
  public enum Kind { STATUS, ECHO_AUTHORIZATION, SLOW, MALFORMED, DROP_CHOICES, DISCONNECT, REWRITE }

  /** One scripted misbehaviour. */
  public record Fault(Kind kind, int status, String body, String retryAfter, long delayMs, Set<Integer> dropIndices) {

    /** Answers {@code status} with {@code body}, without asking the server. */
    public static Fault status(int status, String body) {
      return new Fault(Kind.STATUS, status, body, null, 0, Set.of());
    }

    /** Answers 429 with a Retry-After header of {@code seconds}. */
    public static Fault tooManyRequests(int seconds) {
      return new Fault(Kind.STATUS, 429, "{\"error\":\"rate limited\"}", Integer.toString(seconds), 0, Set.of());
    }

    /** Answers {@code status} with a body that quotes the request's Authorization header, padded first. */
    public static Fault echoAuthorization(int status, int padding) {
      return new Fault(Kind.ECHO_AUTHORIZATION, status, "x".repeat(padding), null, 0, Set.of());
    }

    /** Waits {@code ms} before passing the request through (past the client's timeout). */
    public static Fault slow(long ms) {
      return new Fault(Kind.SLOW, 0, null, null, ms, Set.of());
    }

    /** Answers 200 with a body cut off mid-JSON. */
    public static Fault malformed() {
      return new Fault(Kind.MALFORMED, 200, "{\"choices\": [{\"index\": 0, \"message\": {\"content\": \"x", null, 0, Set.of());
    }

    /** Passes through, then removes the choices with these indices from the answer. */
    public static Fault dropChoices(Integer... indices) {
      return new Fault(Kind.DROP_CHOICES, 0, null, null, 0, Set.of(indices));
    }

    /**
     * Passes through, then replaces every match of {@code regex} in the answer (a server that
     * writes values the client must not trust, e.g. a positive log-prob).
     */
    public static Fault rewrite(String regex, String replacement) {
      return new Fault(Kind.REWRITE, 0, regex, replacement, 0, Set.of());
    }

    /** Closes the connection without an answer. */
    public static Fault disconnect() {
      return new Fault(Kind.DISCONNECT, 0, null, null, 0, Set.of());
    }
  }

  /** A request as the proxy saw it. */
  public record Seen(String authorization, JsonNode body) {}

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final URI upstream;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
  private volatile Fault always;
  private volatile long passThroughDelayMs;
  private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  // Not HttpExchange attributes: the JDK's implementation keeps those per context, not per exchange.
  private final Set<HttpExchange> answeredExchanges = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private FaultProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * A proxy to the server whose API root is {@code upstreamBaseUrl} (…/v1 for the OpenAI API; a
   * llama-server root for its native endpoints, which clients reach as the proxy's root).
   */
  public static FaultProxy start(String upstreamBaseUrl) throws IOException {
    return new FaultProxy(URI.create(upstreamBaseUrl));
  }

  /** The proxy's API root, {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Faults for the next requests, one each, in order. */
  public FaultProxy script(Fault... faults) {
    script.addAll(List.of(faults));
    return this;
  }

  /** A fault for every request from now on. */
  public FaultProxy always(Fault fault) {
    this.always = fault;
    return this;
  }

  /** A delay before every passed-through request (to keep requests in flight). */
  public FaultProxy passThroughDelayMs(long ms) {
    this.passThroughDelayMs = ms;
    return this;
  }

  public List<Seen> requests() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      byte[] requestBody = ex.getRequestBody().readAllBytes();
      String authorization = ex.getRequestHeaders().getFirst("Authorization");
      JsonNode body;
      try {
        body = JSON.readTree(requestBody);
      } catch (IOException e) {
        body = null;
      }
      seen.add(new Seen(authorization, body));
      Fault fault = always != null ? always : script.poll();
      if (fault == null) {
        sleep(passThroughDelayMs);
        forward(ex, requestBody, null);
        return;
      }
      switch (fault.kind()) {
        case STATUS, MALFORMED -> {
          if (fault.retryAfter() != null) {
            ex.getResponseHeaders().add("Retry-After", fault.retryAfter());
          }
          reply(ex, fault.status(), fault.body());
        }
        case ECHO_AUTHORIZATION -> reply(ex, fault.status(),
            "{\"error\": \"" + fault.body() + " refused request with Authorization: " + authorization + "\"}");
        case SLOW -> {
          sleep(fault.delayMs());
          forward(ex, requestBody, null);
        }
        case DROP_CHOICES -> forward(ex, requestBody, fault.dropIndices());
        case REWRITE -> forward(ex, requestBody, null, fault);
        case DISCONNECT -> ex.close();
      }
    } catch (IOException e) {
      // the client gave up on this request (e.g. its timeout): nothing to answer
    } finally {
      answered(ex);
      answeredExchanges.remove(ex);
      ex.close();
    }
  }

  /**
   * The request leaves the in-flight count once, before its answer is sent: a client that has read
   * the answer may send its next request before this handler's thread gets to its finally block,
   * which would otherwise count one request too many.
   */
  private void answered(HttpExchange ex) {
    if (answeredExchanges.add(ex)) {
      inFlight.decrementAndGet();
    }
  }

  private void forward(HttpExchange ex, byte[] body, Set<Integer> drop) throws IOException {
    forward(ex, body, drop, null);
  }

  /** Passes the request on; {@code rewrite}'s regex (body) and replacement (retryAfter) edit the answer. */
  private void forward(HttpExchange ex, byte[] body, Set<Integer> drop, Fault rewrite) throws IOException {
    // The proxy's /v1 stands for the upstream root given; other paths (llama-server's /completion) pass as they are.
    String path = ex.getRequestURI().getPath();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + (path.startsWith("/v1/") ? path.substring(3) : path)))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String answer = r.body();
    if (drop != null && r.statusCode() == 200) {
      ObjectNode root = (ObjectNode) JSON.readTree(answer);
      ArrayNode kept = JSON.createArrayNode();
      for (JsonNode c : root.get("choices")) {
        if (!drop.contains(c.path("index").asInt())) {
          kept.add(c);
        }
      }
      root.set("choices", kept);
      answer = JSON.writeValueAsString(root);
    }
    if (rewrite != null && r.statusCode() == 200) {
      answer = answer.replaceAll(rewrite.body(), rewrite.retryAfter());
    }
    reply(ex, r.statusCode(), answer);
  }

  private void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    answered(ex);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long ms) throws IOException {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
