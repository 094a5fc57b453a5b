package dev.manimgrpo.core.s3;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server (S3Proxy with its filesystem backend) in its own process on
 * loopback, for s3a:// tests. Its jar comes from Maven Central through the build (each module
 * whose tests use it copies it and passes its path as the {@code s3proxy.jar} system property).
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String ACCESS_KEY = "local-test-identity";
  public static final String SECRET_KEY = "local-test-credential";

  private volatile Process process;
  private final int port;
  private final Path root;
  private final Path dir;

  private S3ProxyServer(Process process, int port, Path root, Path dir) {
    this.process = process;
    this.port = port;
    this.root = root;
    this.dir = dir;
  }

  public static S3ProxyServer start(Path dir, String... buckets) throws IOException, InterruptedException {
    String jar = System.getProperty("s3proxy.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("s3proxy.jar not found (" + jar + "); run the tests through Maven, which fetches it");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path data = Files.createDirectories(dir.resolve("data"));
    for (String b : buckets) {
      Files.createDirectories(data.resolve(b));
    }
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data) + "\n");
    return new S3ProxyServer(launch(dir, port), port, data, dir);
  }

  /** Starts the server process with {@code dir}'s properties and waits until it listens on {@code port}. */
  private static Process launch(Path dir, int port) throws IOException, InterruptedException {
    String jar = System.getProperty("s3proxy.jar");
    Process p = new ProcessBuilder(List.of(javaBin(), "-jar", jar, "--properties", dir.resolve("s3proxy.properties").toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
      }
      try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return p;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("S3Proxy did not listen on port " + port + " within 60 s");
  }

  /** Kills the server (kill -9: an outage, not a shutdown); the objects stay in its backing folder. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port over the same objects (after {@link #kill()}). */
  public void restart() throws IOException, InterruptedException {
    if (process.isAlive()) {
      throw new IllegalStateException("S3Proxy is still running on port " + port);
    }
    process = launch(dir, port);
  }

  public boolean running() {
    return process.isAlive();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Where the filesystem backend keeps a bucket's objects. */
  public Path bucketDir(String bucket) {
    return root.resolve(bucket);
  }

  /** Hadoop settings that point s3a at this server (test credentials, no TLS, path-style). */
  public Map<String, String> hadoopConf() {
    return Map.of(
        "fs.s3a.endpoint", endpoint(),
        "fs.s3a.path.style.access", "true",
        "fs.s3a.connection.ssl.enabled", "false",
        "fs.s3a.endpoint.region", "us-east-1",
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.access.key", ACCESS_KEY,
        "fs.s3a.secret.key", SECRET_KEY,
        "fs.s3a.change.detection.mode", "none");
  }

  /** The same as Spark settings ({@code spark.hadoop.*}). */
  public Map<String, String> sparkConf() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    hadoopConf().forEach((k, v) -> out.put("spark.hadoop." + k, v));
    return out;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
