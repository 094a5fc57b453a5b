package dev.manimgrpo.jobs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the cluster ITs share about cluster-conf/standalone/local-cluster.sh: where it is, and an
 * environment that gives one test class its own state folder and free loopback ports, so cluster
 * tests never meet another run's Master or Worker.
 */
final class LoopbackCluster {

  private LoopbackCluster() {}

  static Path script() {
    return Path.of("..", "cluster-conf", "standalone", "local-cluster.sh").toAbsolutePath().normalize();
  }

  /** The script's environment: state under {@code state}, free ports, a Worker offering 3 GB. */
  static Map<String, String> env(Path state) throws IOException {
    return Map.of(
        "STATE", state.toString(),
        "SPARK_MASTER_PORT", String.valueOf(freePort()),
        "SPARK_MASTER_WEBUI_PORT", String.valueOf(freePort()),
        "SPARK_WORKER_WEBUI_PORT", String.valueOf(freePort()),
        "WORKER_MEMORY", "3g");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
