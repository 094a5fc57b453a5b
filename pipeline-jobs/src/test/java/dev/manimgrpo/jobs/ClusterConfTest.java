package dev.manimgrpo.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cluster-conf's scripts without a cluster: the spark-submit command submit.sh builds for each manager
 * (its --dry-run), the log4j2 configuration, the executor image's staged build context and its
 * entrypoint's executor command for a given set of Spark's environment variables (dry mode), and the YARN
 * node script's check and dry-run modes.
 */
class ClusterConfTest {

  static final Path HOME = Path.of(System.getProperty("manimgrpo.home", "..")).toAbsolutePath().normalize();
  static final Path CONF = HOME.resolve("cluster-conf");
  static final String JAR = "/jars/pipeline-jobs-0.1.0-SNAPSHOT-cluster.jar";

  @TempDir Path tmp;

  record Proc(int exit, String output) {
    List<String> lines() {
      return List.of(output.split("\n"));
    }
  }

  Proc bash(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("SPARK_HOME");
    pb.environment().putAll(env);
    Path log = Files.createTempFile(tmp, "out-", ".log");
    Process p = pb.redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Proc(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** Spark's Java 17 module options as the build runs Spark with them (the parent POM's spark.jvm.flags). */
  static String pomJvmFlags() throws IOException {
    Matcher m = Pattern.compile("<spark.jvm.flags>(.*?)</spark.jvm.flags>").matcher(Files.readString(HOME.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1).trim();
  }

  Proc submit(Map<String, String> env, String master, String... args) throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.put("MANIM_GRPO_JAR", JAR);
    List<String> a = new ArrayList<>(List.of(CONF.resolve("spark/submit.sh").toString(), "--dry-run", master));
    a.addAll(List.of(args));
    return bash(e, a.toArray(String[]::new));
  }

  static String after(List<String> lines, String option) {
    int i = lines.indexOf(option);
    assertThat(i).as(option + " in " + lines).isNotNegative();
    return lines.get(i + 1);
  }

  static String conf(List<String> lines, String key) {
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).equals("--conf") && lines.get(i + 1).startsWith(key + "=")) {
        return lines.get(i + 1).substring(key.length() + 1);
      }
    }
    return null;
  }

  @Test
  void submitAddsJava17OptionsPropertiesAndLogConfigurationForEveryManager() throws Exception {
    String flags = pomJvmFlags();
    for (String master : List.of("spark://10.0.0.5:7077", "yarn", "k8s://https://10.0.0.1:6443", "local[2]")) {
      Proc p = submit(Map.of("MANIM_GRPO_IMAGE", "registry.local/manim-grpo-executor:0.1.0"), master,
          "rollout", "--run-id", "r 1", "--step", "2");
      assertThat(p.exit()).as(master + "\n" + p.output()).isZero();
      List<String> l = p.lines();
      assertThat(l.get(0)).endsWith("/bin/spark-submit");
      assertThat(after(l, "--master")).isEqualTo(master);
      assertThat(after(l, "--deploy-mode")).isEqualTo("client");
      assertThat(after(l, "--properties-file")).isEqualTo(CONF.resolve("spark/spark-defaults.conf").toString());
      assertThat(after(l, "--driver-java-options")).startsWith(flags)
          .endsWith("-Dlog4j2.configurationFile=file:" + CONF.resolve("spark/log4j2.properties"));
      assertThat(conf(l, "spark.executor.extraJavaOptions")).startsWith(flags)
          .contains("-Dlog4j2.configurationFile=").contains("-Dorg.bytedeco.javacpp.cachedir=");
      if (master.startsWith("spark://")) {
        // Standalone executors configure logging before they fetch --files: they read the checkout's file.
        assertThat(conf(l, "spark.executor.extraJavaOptions"))
            .contains("-Dlog4j2.configurationFile=file:" + CONF.resolve("spark/log4j2.properties"));
      }
      // The job's own arguments come last, untouched, one word each.
      assertThat(l.subList(l.size() - 8, l.size())).containsExactly("--class", "dev.manimgrpo.jobs.cli.ManimGrpoCommand",
          JAR, "rollout", "--run-id", "r 1", "--step", "2");
    }
  }

  @Test
  void sparkDefaultsCarryTheBuildsJava17OptionsForDriverAndExecutors() throws Exception {
    String defaults = Files.readString(CONF.resolve("spark/spark-defaults.conf"));
    String flags = pomJvmFlags();
    assertThat(defaults).contains("spark.driver.extraJavaOptions    " + flags + "\n",
        "spark.executor.extraJavaOptions  " + flags + "\n");
    // S3A: the magic committer and a credential chain, never a key in the file.
    assertThat(defaults).contains("spark.hadoop.fs.s3a.committer.name                      magic",
        "EnvironmentVariableCredentialsProvider", "IAMInstanceCredentialsProvider");
    assertThat(defaults).doesNotContainPattern("(?m)^[^#]*(secret.key|access.key)\\s");
  }

  @Test
  void yarnExecutorsFindTheHostInstalledRuntime() throws Exception {
    List<String> l = submit(Map.of("MANIM_GRPO_DEPLOY_MODE", "cluster", "MANIM_GRPO_YARN_QUEUE", "gpu"), "yarn",
        "eval", "--eval-id", "e").lines();
    assertThat(after(l, "--deploy-mode")).isEqualTo("cluster");
    assertThat(after(l, "--queue")).isEqualTo("gpu");
    assertThat(conf(l, "spark.executorEnv.MANIM_GRPO_RUNTIME")).isEqualTo("/opt/manim-grpo/runtime/manim-sid");
    assertThat(conf(l, "spark.yarn.appMasterEnv.MANIM_GRPO_RUNTIME")).isEqualTo("/opt/manim-grpo/runtime/manim-sid");
    assertThat(after(l, "--files")).isEqualTo(CONF.resolve("spark/log4j2.properties").toString());
    // In cluster mode the driver runs in the application master and finds the log config shipped by --files.
    assertThat(after(l, "--driver-java-options")).endsWith("-Dlog4j2.configurationFile=log4j2.properties");
  }

  @Test
  void kubernetesNeedsTheImageAndUsesThePodTemplate() throws Exception {
    Proc noImage = submit(Map.of(), "k8s://https://10.0.0.1:6443", "rollout");
    assertThat(noImage.exit()).isNotZero();
    assertThat(noImage.output()).contains("MANIM_GRPO_IMAGE");

    List<String> l = submit(Map.of("MANIM_GRPO_IMAGE", "img:1", "MANIM_GRPO_DEPLOY_MODE", "cluster",
        "MANIM_GRPO_K8S_NAMESPACE", "ml"), "k8s://https://10.0.0.1:6443", "rollout").lines();
    assertThat(conf(l, "spark.kubernetes.container.image")).isEqualTo("img:1");
    assertThat(conf(l, "spark.kubernetes.namespace")).isEqualTo("ml");
    assertThat(conf(l, "spark.kubernetes.authenticate.driver.serviceAccountName")).isEqualTo("spark");
    Path template = Path.of(conf(l, "spark.kubernetes.executor.podTemplateFile"));
    assertThat(template).exists();
    assertThat(Files.readString(template)).contains("name: executor", "seccompProfile:", "type: Unconfined",
        "appArmorProfile:", "runAsNonRoot: true", "secretKeyRef");
    // Cluster mode: the driver pod runs the jar inside the image.
    assertThat(l).contains("local:///opt/manim-grpo/lib/pipeline-jobs-0.1.0-SNAPSHOT-cluster.jar");
    assertThat(conf(l, "spark.executor.extraJavaOptions"))
        .contains("-Dlog4j2.configurationFile=/opt/manim-grpo/conf/log4j2.properties");

    assertThat(submit(Map.of(), "mesos://old:5050", "rollout").exit()).isEqualTo(2);
    assertThat(bash(Map.of(), CONF.resolve("spark/submit.sh").toString(), "--help").output())
        .contains("standalone", "yarn", "k8s://", "--dry-run", "MANIM_GRPO_IMAGE");
  }

  @Test
  void logConfigurationQuietsInternalsAndKeepsTheProjectAtInfo() throws Exception {
    Path file = CONF.resolve("spark/log4j2.properties");
    try (InputStream in = Files.newInputStream(file)) {
      Configuration c = new PropertiesConfigurationFactory()
          .getConfiguration(new LoggerContext("cluster-conf-test"), new ConfigurationSource(in, file.toFile()));
      c.initialize();
      assertThat(c.getLoggerConfig("dev.manimgrpo.jobs.rollout.RolloutJob").getLevel()).isEqualTo(Level.INFO);
      for (String noisy : List.of("org.apache.spark.scheduler.DAGScheduler", "org.apache.hadoop.fs.s3a.S3AFileSystem",
          "org.sparkproject.jetty.server.Server", "org.apache.parquet.hadoop.ParquetOutputFormat", "io.netty.util.X")) {
        assertThat(c.getLoggerConfig(noisy).getLevel()).as(noisy).isEqualTo(Level.WARN);
      }
      assertThat(c.getRootLogger().getLevel()).isEqualTo(Level.WARN);
      PatternLayout layout = (PatternLayout) c.getAppenders().get("console").getLayout();
      assertThat(layout.getConversionPattern()).contains("%d{", "%-5p", "%c");
    }
  }

  // ---- the executor image ------------------------------------------------------------------------

  /** A staged context from small stand-ins for the base root, the runtime and the jars. */
  Path stage() throws Exception {
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    for (String j : List.of("spark-core_2.13-4.2.0.jar", "jackson-core-2.18.2.jar", "pipeline-core-0.1.0-SNAPSHOT.jar",
        "policy-0.1.0-SNAPSHOT.jar")) {
      Files.writeString(lib.resolve(j), j);
    }
    Path k8s = Files.createDirectories(tmp.resolve("k8s"));
    for (String j : List.of("spark-kubernetes_2.13-4.2.0.jar", "kubernetes-client-7.6.1.jar", "jackson-core-2.21.0.jar")) {
      Files.writeString(k8s.resolve(j), j);
    }
    Path runtime = Files.createDirectories(tmp.resolve("runtime"));
    Files.writeString(runtime.resolve(".manim-grpo-runtime"), "manim=0.19.0");
    Path rootfs = tmp.resolve("rootfs.tar");
    Files.writeString(rootfs, "not really a tar");
    Path jar = tmp.resolve("pipeline-jobs-0.1.0-SNAPSHOT-cluster.jar");
    Files.writeString(jar, "jar");
    Path context = tmp.resolve("context");
    Proc p = bash(Map.of(), CONF.resolve("image/build.sh").toString(), "--stage-only", "--context", context.toString(),
        "--rootfs", rootfs.toString(), "--runtime", runtime.toString(), "--k8s-jars", k8s.toString(),
        "--lib", lib.toString(), "--jar", jar.toString());
    assertThat(p.exit()).as(p.output()).isZero();
    return context;
  }

  @Test
  void theStagedImageContextHasEverythingTheContainerfileNames() throws Exception {
    Path context = stage();
    List<String> sources = new ArrayList<>();
    for (String line : Files.readAllLines(context.resolve("Containerfile"))) {
      String[] w = line.trim().split("\\s+");
      if (w[0].equals("COPY") || w[0].equals("ADD")) {
        sources.addAll(List.of(w).subList(1, w.length - 1));
      }
    }
    assertThat(sources).contains("rootfs.tar", "runtime.tar", "spark/jars/", "manim-grpo/", "entrypoint.sh");
    for (String s : sources) {
      assertThat(context.resolve(s)).as(s).exists();
    }
    assertThat(Files.readString(context.resolve("Containerfile"))).contains("FROM scratch", "USER 185");
    assertThat(context.resolve("entrypoint.sh")).isExecutable();
    assertThat(bash(Map.of(), "-n", context.resolve("entrypoint.sh").toString()).exit()).isZero();
    assertThat(context.resolve("manim-grpo/bin/manim-grpo")).isExecutable();
    assertThat(context.resolve("manim-grpo/conf/log4j2.properties")).exists();
    assertThat(context.resolve("manim-grpo/conf/spark-defaults.conf")).exists();
    assertThat(context.resolve("manim-grpo/lib/pipeline-jobs-0.1.0-SNAPSHOT-cluster.jar")).exists();
    // Spark's jars: the build's, less the project's modules (in the cluster jar), plus Kubernetes' not already there.
    try (var jars = Files.list(context.resolve("spark/jars"))) {
      assertThat(jars.map(j -> j.getFileName().toString())).containsExactlyInAnyOrder("spark-core_2.13-4.2.0.jar",
          "jackson-core-2.18.2.jar", "spark-kubernetes_2.13-4.2.0.jar", "kubernetes-client-7.6.1.jar");
    }
    Proc tar = bash(Map.of(), "-c", "tar -tf " + context.resolve("runtime.tar"));
    assertThat(tar.output()).contains("./.manim-grpo-runtime");
  }

  @Test
  void theEntrypointStartsSparksKubernetesExecutorAfterThePreflight() throws Exception {
    Path context = stage();
    Map<String, String> env = new HashMap<>(Map.of(
        "MANIM_GRPO_ENTRYPOINT_DRY_RUN", "1", "SPARK_HOME", context.resolve("spark").toString(),
        "MANIM_GRPO_APP", context.resolve("manim-grpo").toString(), "JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64",
        "SPARK_DRIVER_URL", "spark://CoarseGrainedScheduler@driver-svc:7078", "SPARK_EXECUTOR_ID", "3",
        "SPARK_EXECUTOR_CORES", "2", "SPARK_EXECUTOR_MEMORY", "4g", "SPARK_APPLICATION_ID", "spark-app-1",
        "SPARK_EXECUTOR_POD_IP", "10.1.2.3"));
    env.putAll(Map.of("SPARK_RESOURCE_PROFILE_ID", "0", "SPARK_EXECUTOR_POD_NAME", "manim-exec-3",
        // Spark numbers extraJavaOptions from 0; 10 must come after 2.
        "SPARK_JAVA_OPT_0", "--add-opens=java.base/java.nio=ALL-UNNAMED", "SPARK_JAVA_OPT_2", "-Dtwo=2",
        "SPARK_JAVA_OPT_10", "-Dten=10 with space", "SPARK_JAVA_OPT_1", "-Done=1"));
    Proc p = bash(env, context.resolve("entrypoint.sh").toString(), "executor");
    assertThat(p.exit()).as(p.output()).isZero();
    String jar = context.resolve("manim-grpo/lib/pipeline-jobs-0.1.0-SNAPSHOT-cluster.jar").toString();
    assertThat(p.lines()).containsExactly(
        "# preflight: " + context.resolve("manim-grpo") + "/bin/manim-grpo preflight",
        "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Done=1", "-Dtwo=2", "-Dten=10 with space",
        "-Xms4g", "-Xmx4g", "-cp", jar + ":" + context.resolve("spark") + "/jars/*",
        "org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend",
        "--driver-url", "spark://CoarseGrainedScheduler@driver-svc:7078", "--executor-id", "3", "--cores", "2",
        "--app-id", "spark-app-1", "--hostname", "10.1.2.3", "--resourceProfileId", "0", "--podName", "manim-exec-3");

    env.remove("SPARK_DRIVER_URL");
    Proc missing = bash(env, context.resolve("entrypoint.sh").toString(), "executor");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.output()).contains("SPARK_DRIVER_URL is not set");
  }

  // ---- YARN nodes ------------------------------------------------------------------------------------

  @Test
  void theYarnNodeScriptChecksAndDryRunsWithoutChangingAnything() throws Exception {
    Path prefix = tmp.resolve("opt/manim-grpo");
    String script = CONF.resolve("provision/yarn-node.sh").toString();
    Proc check = bash(Map.of(), script, "--check", "--prefix", prefix.toString());
    assertThat(check.exit()).isEqualTo(1);
    assertThat(check.output()).contains("runtime: none at " + prefix + "/runtime/manim-sid", "user namespaces:");

    Proc dry = bash(Map.of(), script, "--dry-run", "--prefix", prefix.toString());
    assertThat(dry.exit()).as(dry.output()).isZero();
    assertThat(dry.output()).contains("would run: " + CONF.resolve("provision/manim-runtime.sh") + " --root "
        + prefix + "/runtime/manim-sid", "dry run: nothing was changed");
    assertThat(tmp.resolve("opt")).doesNotExist();

    Files.createDirectories(prefix.resolve("runtime/manim-sid"));
    Files.writeString(prefix.resolve("runtime/manim-sid/.manim-grpo-runtime"), "manim=0.19.0 python=3.13");
    assertThat(bash(Map.of(), script, "--check", "--prefix", prefix.toString()).output())
        .contains("runtime: " + prefix + "/runtime/manim-sid (manim=0.19.0 python=3.13)");
  }
}
