package dev.manimgrpo.core.policy.openai;

import dev.manimgrpo.core.policy.LlamaCppRoot;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real llama.cpp {@code llama-server} on a free loopback port, serving a tiny model written for
 * the test: the root from {@code cluster-conf/provision/llama-server.sh} (built by it when missing),
 * the model from {@code make_tiny_gguf.py} run inside that root, the server run from the root with
 * bwrap in the host's network namespace. Tests using it carry the tag {@code llama}; a root that
 * cannot be built fails them with the reason (they never skip silently).
 *
 * <p>Start it from a long-lived thread (JUnit's {@code @BeforeAll}): bwrap's --die-with-parent
 * fires when the thread that started it ends.
 */
public final class LlamaServerFixture implements AutoCloseable {

  private static final String MODEL_SCRIPT = "make_tiny_gguf.py";

  private final Path dir;
  private final Process server;
  private final int port;

  private LlamaServerFixture(Path dir, Process server, int port) {
    this.dir = dir;
    this.server = server;
    this.port = port;
  }

  /** The server's address, {@code http://127.0.0.1:PORT} (llama.cpp's own endpoints: /completion, /tokenize). */
  public String serverUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The server's API root, {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  /** The root the provisioning script builds: $MANIM_GRPO_LLAMA_ROOT, else the cache default. */
  static Path rootLocation() {
    return LlamaCppRoot.location();
  }

  /** The provisioned root, built by the provisioning script when missing. */
  static Path root() throws IOException, InterruptedException {
    Path root = rootLocation();
    if (LlamaCppRoot.provisioned(root)) {
      return root;
    }
    Path script = findScript();
    Path log = Files.createTempFile("llama-provision", ".log");
    Process p = new ProcessBuilder("bash", script.toString(), "--root", root.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = p.waitFor(20, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
    }
    if (!finished || p.exitValue() != 0 || !LlamaCppRoot.provisioned(root)) {
      throw new AssertionError("no llama-server root at " + root + " and " + script + " could not build it ("
          + (finished ? "exit " + p.exitValue() : "still running after 20 minutes") + "):\n" + tail(log, 20)
          + "\nRun cluster-conf/provision/llama-server.sh by hand (it needs root or sudo, debootstrap and a Debian"
          + " mirror), or leave these tests out with -Dtest.excludedGroups=llama");
    }
    return root;
  }

  /** Provisions or finds the root, writes the tiny model, starts the server and waits for /health. */
  public static LlamaServerFixture start() throws IOException, InterruptedException {
    Path root = root();
    Path dir = Files.createTempDirectory("llama-fixture");
    try (InputStream in = LlamaServerFixture.class.getResourceAsStream(MODEL_SCRIPT)) {
      if (in == null) {
        throw new AssertionError(MODEL_SCRIPT + " is missing from the test resources");
      }
      Files.copy(in, dir.resolve(MODEL_SCRIPT));
    }
    run(bwrap(root, dir, false, List.of("python3", "/models/" + MODEL_SCRIPT, "/models/tiny.gguf")), dir,
        "writing the tiny model with python3-gguf");
    return serve(root, dir, "tiny.gguf", List.of("-c", "8192", "-np", "8"));
  }

  /**
   * Serves a given GGUF file (copied into the fixture's own folder) with one slot and a small
   * context, e.g. a model a test exported.
   *
   * @param serverArgs more llama-server options, e.g. {@code --cache-type-k f32}
   */
  public static LlamaServerFixture serve(Path gguf, String... serverArgs) throws IOException, InterruptedException {
    Path root = root();
    Path dir = Files.createTempDirectory("llama-fixture");
    Files.copy(gguf, dir.resolve("model.gguf"));
    List<String> args = new ArrayList<>(List.of("-c", "512", "-np", "1"));
    args.addAll(List.of(serverArgs));
    return serve(root, dir, "model.gguf", args);
  }

  /**
   * Runs a command (e.g. {@code python3 -c ...} with python3-gguf) inside the provisioned root with
   * {@code dir} at {@code /models} (read-only) and answers its standard output and error.
   */
  public static String runInRoot(Path dir, List<String> command) throws IOException, InterruptedException {
    Path root = root();
    Path log = Files.createTempFile("llama-root-command", ".log");
    try {
      Process p = new ProcessBuilder(bwrap(root, dir, true, command)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " failed in " + root + ":\n" + tail(log, 20));
      }
      return Files.readString(log, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static LlamaServerFixture serve(Path root, Path dir, String model, List<String> sizing)
      throws IOException, InterruptedException {
    Path log = dir.resolve("llama-server.log");
    for (int tries = 0; ; tries++) {
      int port = freePort();
      List<String> args = new ArrayList<>(List.of("llama-server", "-m", "/models/" + model,
          "--host", "127.0.0.1", "--port", Integer.toString(port)));
      args.addAll(sizing);
      args.addAll(List.of("-t", "2"));
      Process server = new ProcessBuilder(bwrap(root, dir, true, args))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      LlamaServerFixture fixture = new LlamaServerFixture(dir, server, port);
      if (fixture.awaitHealthy(Duration.ofSeconds(60))) {
        return fixture;
      }
      fixture.close(false);
      // Another process may have taken the port between probing and binding: try another once.
      if (tries > 0 || !tail(log, 40).contains("bind")) {
        String t = tail(log, 25);
        delete(dir);
        throw new AssertionError("llama-server from " + root + " did not become healthy within 60 s; its log ends:\n" + t);
      }
    }
  }

  private boolean awaitHealthy(Duration limit) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline && server.isAlive()) {
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static List<String> bwrap(Path root, Path dir, boolean readOnlyModels, List<String> command) {
    return LlamaCppRoot.command(root, dir, readOnlyModels, command);
  }

  private static void run(List<String> cmd, Path dir, String what) throws IOException, InterruptedException {
    Path log = dir.resolve("command.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(what + " failed (" + String.join(" ", cmd) + "):\n" + tail(log, 20));
    }
  }

  private static Path findScript() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("cluster-conf/provision/llama-server.sh");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new AssertionError("no llama-server root at " + rootLocation() + ", and cluster-conf/provision/llama-server.sh"
        + " was not found above " + Path.of("").toAbsolutePath() + " to build it; run the tests from the repository");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    close(true);
  }

  private void close(boolean deleteDir) {
    server.destroy();
    try {
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (deleteDir) {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
