package dev.manimgrpo.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.policy.openai.FaultProxy;
import dev.manimgrpo.core.policy.openai.FaultProxy.Fault;
import dev.manimgrpo.core.policy.openai.LlamaServerFixture;
import dev.manimgrpo.core.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the rollout job survives on a real Spark standalone cluster (Master, Worker and executors as
 * processes on loopback, one cluster for the class): an executor killed with kill -9 mid-step, a
 * render worker killed mid-render, the S3 server killed and restarted while the step writes to it,
 * and a policy server that fails and times out for a while. Each ends with every rollout row of the
 * step present exactly once (read with Spark and with parquet-hadoop), after a rerun of the step
 * where the fault made the run fail.
 *
 * <p>Only processes this class started are ever killed: the executor is found among the
 * descendants of this cluster's Worker, the render workers among that executor's.
 */
@Tag("manim")
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

  static final int G = 2;
  /** Every test draws the same prompts, so their reference renders are made once, by the first. */
  static final String SPLIT = "train";
  static final ObjectMapper JSON = new ObjectMapper();

  /** Kept when a test fails: its job logs and the Worker's executor logs are the diagnosis. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  static Path script;
  static Map<String, String> env;
  static long workerPid;
  static SparkSession spark;
  /** The jobs this class submitted: one a failed test left running is stopped at the end. */
  static final List<Process> jobs = new ArrayList<>();
  /** Replayed completions: the reference programs themselves (real renders, a few seconds each). */
  static final String REAL = "real";
  /** Replayed completions that do not parse (renders that end at once). */
  static final String QUICK = "quick";
  /**
   * Replayed completions that render for about 3 s each: a worker seen rendering is still rendering
   * when it is killed (the sample's reward renders take 0.1 to 0.3 s for its first prompts, so a
   * worker seen with a render child had often finished by the time the kill landed).
   */
  static final String SLOW = "slow";
  static final String SLOW_SCENE = "from manim import *\nimport time\n\nclass Slow(Scene):\n"
      + "    def construct(self):\n        self.add(Circle())\n        time.sleep(3)\n        self.play(FadeIn(Square()))\n";

  @BeforeAll
  static void startCluster() throws Exception {
    script = LoopbackCluster.script();
    env = LoopbackCluster.env(dir.resolve("state"));
    Process start = launch("cluster.log", List.of(script.toString(), "start"));
    assertThat(start.waitFor(3, TimeUnit.MINUTES) && start.exitValue() == 0)
        .as("cluster start; see " + dir.resolve("cluster.log")).isTrue();
    workerPid = Long.parseLong(Files.readString(dir.resolve("state").resolve("worker.pid")).strip());
    spark = TestSpark.start(Map.of());
    // Completions replayed instead of sampled: no policy to load in each executor, no sampling time.
    writeReplayShard(REAL, s -> s.code());
    writeReplayShard(QUICK, s -> "def broken(:\n");
    writeReplayShard(SLOW, s -> SLOW_SCENE);
  }

  /**
   * A shard the replay backend reads: for every bundled prompt, G completions that are {@code program}
   * of the sample, as a fenced block (only the columns the replay backend reads).
   */
  private static void writeReplayShard(String name, java.util.function.Function<ManimBenchSample, String> program) {
    List<Row> rows = new ArrayList<>();
    for (ManimBenchSample s : BundledSampleSet.load()) {
      String code = program.apply(s);
      for (int i = 0; i < G; i++) {
        rows.add(RowFactory.create(s.sampleId(), i, "rendered", "```python\n" + code + "```\n", code, "fenced_python",
            name));
      }
    }
    StructType schema = new StructType()
        .add("prompt_id", DataTypes.StringType, false).add("rollout_index", DataTypes.IntegerType, false)
        .add("status", DataTypes.StringType, false).add("completion_text", DataTypes.StringType, false)
        .add("extracted_code", DataTypes.StringType, false).add("code_extraction", DataTypes.StringType, false)
        .add("policy_id", DataTypes.StringType, false);
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(dir.resolve("replay").resolve(name).toString());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Process job : jobs) {
      job.descendants().forEach(ProcessHandle::destroyForcibly);
      job.destroyForcibly();
    }
    if (spark != null) {
      spark.stop();
    }
    if (script != null) {
      launch("cluster.log", List.of(script.toString(), "stop")).waitFor(1, TimeUnit.MINUTES);
      // The script's links to the build's jars: removed here, not by JUnit (which warns at each one).
      Path jars = dir.resolve("state").resolve("spark-home").resolve("jars");
      if (Files.isDirectory(jars)) {
        try (Stream<Path> s = Files.list(jars)) {
          for (Path link : s.toList()) {
            Files.deleteIfExists(link);
          }
        }
      }
    }
  }

  @Test
  @Order(1)
  void aRenderWorkerAndAnExecutorKilledMidStepLoseNoRowAndDuplicateNone() throws Exception {
    int prompts = 4;
    // Waves of 2 groups: a render worker is killed in the first wave; the executor once the first
    // wave is committed, while the second is in flight.
    Process job = submit("exec.log", rollout("exec", prompts, dir.resolve("rollouts").toString(),
        replay(SLOW, Map.of("rollout.wave-groups", "2"))));
    Path partition = dir.resolve("rollouts").resolve("run_id=exec").resolve("step=0");

    // The candidate pool starts first (its workers are the oldest); kill one while it renders, i.e. has a child.
    ProcessHandle busy = await(() -> candidateWorkers().stream().filter(w -> w.children().findAny().isPresent())
        .findFirst(), job, "exec.log", "a candidate render in progress");
    busy.destroyForcibly();

    // Each task commits its groups' file on its own (the file committer's v2 algorithm): the executor
    // is killed once the killed render's rows are committed, so that they cannot be rendered again.
    await(() -> committedStatuses(partition).contains("sandbox_error"), job, "exec.log",
        "the killed render's rows committed");
    ProcessHandle executor = onlyExecutor();
    String appId = argAfter(executor, "--app-id");
    executor.destroyForcibly(); // SIGKILL
    assertThat(executor.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(parquetFiles(partition)).as("killed mid-step").hasSizeLessThan(prompts);

    assertSucceeds(job, "exec.log");
    // The Worker launched a second executor for the application, which finished the step.
    try (Stream<Path> s = Files.list(dir.resolve("state").resolve("work").resolve(appId))) {
      assertThat(s.count()).as("executors of " + appId).isGreaterThanOrEqualTo(2);
    }
    List<Row> rows = assertEveryRowOnce(partition, prompts);
    // The pool does not retry a render whose worker died: its rows are sandbox_error with the reason
    // ("worker died" or, when bubblewrap outlives its child a moment, "worker stopped answering"), and
    // the worker is restarted for the next render.
    List<Row> lost = rows.stream().filter(r -> "sandbox_error".equals(r.getAs("status"))).toList();
    assertThat(lost).as("rows of the render whose worker was killed").isNotEmpty()
        .allSatisfy(r -> assertThat((String) r.getAs("error_reason")).endsWith("; worker restarted"));
    assertThat(lost.stream().map(r -> (String) r.getAs("group_uid")).distinct().count()).isEqualTo(1);
  }

  @Test
  @Order(2)
  @Tag("s3")
  void anS3OutageMidWriteFailsWithOneLineOrCompletesAndARerunLeavesTheStepExact() throws Exception {
    int prompts = 4;
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), "faults")) {
      Map<String, String> conf = new LinkedHashMap<>(replay(QUICK, Map.of("rollout.wave-groups", "1")));
      s3.sparkConf().forEach((k, v) -> conf.put("spark.conf." + k, v));
      // Give up within the outage rather than ride it out (S3A's defaults retry for minutes).
      conf.put("spark.conf.spark.hadoop.fs.s3a.retry.limit", "2");
      conf.put("spark.conf.spark.hadoop.fs.s3a.retry.interval", "200ms");
      conf.put("spark.conf.spark.hadoop.fs.s3a.attempts.maximum", "1");
      List<String> args = rollout("s3", prompts, "s3a://faults/rollouts", conf);
      Path partition = s3.bucketDir("faults").resolve("rollouts").resolve("run_id=s3").resolve("step=0");

      Process job = submit("s3.log", args);
      await(() -> parquetFiles(partition).size() >= 1, job, "s3.log", "a wave committed to S3");
      s3.kill();
      Thread.sleep(5_000);
      s3.restart();
      int exit = finish(job);
      if (exit != 0) {
        // Spark logs the failed commit with its stack traces; the job's last word is one line that says what to do.
        String last = tail(dir.resolve("s3.log"), 1).get(0);
        assertThat(last).startsWith("manim-grpo rollout: failed: rollout run s3 step 0: groups ")
            .contains("s3a://faults/rollouts/run_id=s3/step=0").contains("rerun the same step (--run-id s3 --step 0)")
            .endsWith("(run with --verbose for the stack trace)");
      }
      assertSucceeds(submit("s3-rerun.log", args), "s3-rerun.log");
      assertEveryRowOnce(partition, prompts);
      try (java.util.stream.Stream<Path> left = Files.list(partition)) {
        assertThat(left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("__magic")))
            .as("the failed write's magic committer folder, removed by the rerun").isEmpty();
      }
      JsonNode summary = JSON.readTree(partition.resolve("_rollout_summary.json").toFile());
      assertThat(summary.get("resumedGroups").asInt()).as("groups the rerun kept").isPositive();
    }
  }

  @Test
  @Order(3)
  @Tag("llama")
  void aFailingOrSlowPolicyServerLosesNoGroupAndARerunRequestsOnlyWhatFailed() throws Exception {
    // Two prompts (the tiny model's 1024-token context per slot holds their prompts), two groups in flight.
    int prompts = 2;
    try (LlamaServerFixture llama = LlamaServerFixture.start(); FaultProxy proxy = FaultProxy.start(llama.baseUrl())) {
      // A bad spell of three requests (500, 429, an answer past the client's timeout), then a healthy
      // server. With one retry per group and two groups in flight, three failed requests always fail
      // exactly one group: the first three requests come from at most two groups (a third starts only
      // when one has ended, which takes a success or two failures), so one of them had both its
      // attempts fail; failing the other too would take a fourth.
      proxy.script(Fault.status(500, "{\"error\":\"boom\"}"), Fault.tooManyRequests(0), Fault.slow(7_000));
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("policy.backend", "openai");
      conf.put("policy.openai.base-url", proxy.baseUrl());
      conf.put("policy.openai.model", "tiny");
      conf.put("policy.openai.max-retries", "1");
      conf.put("policy.openai.backoff-initial-ms", "10");
      conf.put("policy.openai.backoff-max-ms", "50");
      conf.put("policy.openai.timeout-seconds", "5");
      conf.put("policy.sampling.max-tokens", "16");
      // One task slot for the cut: both groups go to one task and one file, so the rerun has to keep
      // the group that was sampled while it requests the failed one again.
      conf.put("spark.conf.spark.default.parallelism", "1");
      List<String> args = rollout("llm", prompts, dir.resolve("rollouts").toString(), conf);
      Path partition = dir.resolve("rollouts").resolve("run_id=llm").resolve("step=0");

      assertSucceeds(submit("llm.log", args), "llm.log");
      List<Row> rows = assertEveryRowOnce(partition, prompts);
      List<Row> failed = rows.stream().filter(r -> "sampling_error".equals(r.getAs("status"))).toList();
      assertThat(failed).as("rows of the request that failed after its retry").hasSize(G)
          .allSatisfy(r -> assertThat((String) r.getAs("error_reason")).contains("after 2 attempts"));
      Set<String> failedGroups = new HashSet<>();
      failed.forEach(r -> failedGroups.add(r.getAs("group_uid")));
      int before = chatRequests(proxy);

      assertThat(parquetFiles(partition)).as("one task's file holds both groups").hasSize(1);

      assertSucceeds(submit("llm-rerun.log", args), "llm-rerun.log");
      assertThat(chatRequests(proxy) - before).as("requests of the rerun: one per failed group")
          .isEqualTo(failedGroups.size());
      List<Row> after = assertEveryRowOnce(partition, prompts);
      assertThat(after).noneMatch(r -> "sampling_error".equals(r.getAs("status")));
      JsonNode summary = JSON.readTree(partition.resolve("_rollout_summary.json").toFile());
      assertThat(summary.get("resumedGroups").asInt()).isEqualTo(prompts - failedGroups.size());
    }
  }

  // ---- the step's rows, counted twice ----

  /** Exactly prompts x G rows, each (prompt, rollout index) once, G per prompt: by Spark and by parquet-hadoop. */
  private static List<Row> assertEveryRowOnce(Path partition, int prompts) throws IOException {
    List<Row> rows = spark.read().parquet(partition.toString()).collectAsList();
    assertThat(rows).hasSize(prompts * G);
    Map<String, Set<Integer>> indices = new HashMap<>();
    for (Row r : rows) {
      assertThat(indices.computeIfAbsent(r.getAs("prompt_id"), k -> new HashSet<>()).add(r.getAs("rollout_index")))
          .as("(prompt, rollout index) once").isTrue();
      assertThat((String) r.getAs("status")).isNotBlank();
    }
    assertThat(indices).hasSize(prompts).allSatisfy((p, ix) -> assertThat(ix).containsExactlyInAnyOrder(0, 1));

    // The same count from the files themselves, without Spark's reader.
    Set<String> keys = new HashSet<>();
    long records = 0;
    Configuration conf = new Configuration();
    for (Path f : parquetFiles(partition)) {
      org.apache.hadoop.fs.Path hf = new org.apache.hadoop.fs.Path(f.toUri());
      try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(hf, conf))) {
        records += r.getRecordCount();
      }
      try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), hf).withConf(conf).build()) {
        for (Group g = r.read(); g != null; g = r.read()) {
          keys.add(g.getString("prompt_id", 0) + "/" + g.getInteger("rollout_index", 0));
        }
      }
    }
    assertThat(records).isEqualTo(prompts * G);
    assertThat(keys).hasSize(prompts * G);
    return rows;
  }

  /** The status of every committed row (files read as they are; one being moved is read next time). */
  private static Set<String> committedStatuses(Path partition) {
    Set<String> statuses = new HashSet<>();
    Configuration conf = new Configuration();
    for (Path f : parquetFiles(partition)) {
      org.apache.hadoop.fs.Path hf = new org.apache.hadoop.fs.Path(f.toUri());
      try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), hf).withConf(conf).build()) {
        for (Group g = r.read(); g != null; g = r.read()) {
          statuses.add(g.getString("status", 0));
        }
      } catch (IOException | RuntimeException e) {
        // moved or still being written: look again
      }
    }
    return statuses;
  }

  private static List<Path> parquetFiles(Path partition) {
    if (!Files.isDirectory(partition)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(partition)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".parquet")
          && !f.getFileName().toString().startsWith("_") && !f.getFileName().toString().startsWith("."))
          .toList();
    } catch (IOException e) {
      return List.of(); // listed while the committer moved files: look again
    }
  }

  // ---- processes of this class's cluster ----

  /** The one executor JVM of this cluster's Worker. */
  private static ProcessHandle onlyExecutor() {
    List<ProcessHandle> executors = executors();
    assertThat(executors).as("executors of the Worker (pid " + workerPid + ")").hasSize(1);
    return executors.get(0);
  }

  private static List<ProcessHandle> executors() {
    return ProcessHandle.of(workerPid).stream().flatMap(ProcessHandle::descendants)
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
  }

  /**
   * The candidate pool's render workers (the Python process that imported manim, not bubblewrap, not
   * a render's fork) of this cluster's executor: the pool for candidates starts, and waits for its
   * workers, before the reference pool starts, so they are the oldest.
   */
  private static List<ProcessHandle> candidateWorkers() {
    List<ProcessHandle> workers = new ArrayList<>();
    for (ProcessHandle e : executors()) {
      e.descendants().filter(FaultToleranceIT::isRenderWorker)
          .filter(p -> p.parent().map(parent -> !isRenderWorker(parent)).orElse(false))
          .forEach(workers::add);
    }
    if (workers.size() < 3) { // 2 candidate workers + 1 reference worker: both pools are up
      return List.of();
    }
    workers.sort(Comparator.comparing(p -> p.info().startInstant().orElse(Instant.MAX)));
    return workers.subList(0, 2);
  }

  private static boolean isRenderWorker(ProcessHandle p) {
    String line = p.info().commandLine().orElse("");
    return line.contains("/manim_worker.py") && !line.split(" ", 2)[0].endsWith("bwrap");
  }

  private static String argAfter(ProcessHandle p, String flag) {
    String[] args = p.info().arguments().orElseThrow();
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(flag)) {
        return args[i + 1];
      }
    }
    throw new AssertionError(flag + " not in the executor's command line");
  }

  // ---- submitting ----

  /** The rollout job's arguments: the same training prompts and cache for every test (their references are rendered once), G = 2. */
  private static List<String> rollout(String runId, int prompts, String rolloutDir, Map<String, String> conf) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("dataset.split", SPLIT);
    all.put("policy.sampling.group-size", String.valueOf(G));
    all.put("render.workers", "2");
    all.put("render.reference-workers", "1");
    all.put("rollout.dir", rolloutDir);
    all.put("cache.dir", dir.resolve("cache").toString());
    all.put("output.dir", dir.resolve("out").toString());
    all.put("spark.conf.spark.ui.enabled", "false");
    all.putAll(conf);
    List<String> args = new ArrayList<>(List.of("rollout", "--no-progress", "--run-id", runId, "--prompts",
        String.valueOf(prompts)));
    all.forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
    return args;
  }

  /** Settings of the replay backend over one of the class's replay shards, plus {@code conf}. */
  private static Map<String, String> replay(String shard, Map<String, String> conf) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("policy.backend", "replay");
    m.put("policy.replay-shard", dir.resolve("replay").resolve(shard).toString());
    m.putAll(conf);
    return m;
  }

  private static Process submit(String log, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(script.toString(), "submit"));
    cmd.addAll(args);
    Process job = launch(log, cmd);
    jobs.add(job);
    return job;
  }

  private static Process launch(String log, List<String> cmd) throws IOException {
    List<String> argv = new ArrayList<>(List.of("bash"));
    argv.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** The job's exit code; a job still running after 5 minutes is killed (with its children) and fails the test. */
  private static int finish(Process job) throws InterruptedException, IOException {
    if (!job.waitFor(5, TimeUnit.MINUTES)) {
      job.descendants().forEach(ProcessHandle::destroyForcibly);
      job.destroyForcibly();
      throw new AssertionError("the job did not end within 5 minutes");
    }
    return job.exitValue();
  }

  private static void assertSucceeds(Process job, String log) throws InterruptedException, IOException {
    int exit = finish(job);
    if (exit != 0) {
      throw new AssertionError("the job exited with " + exit + "; the end of " + dir.resolve(log) + ":\n"
          + String.join("\n", tail(dir.resolve(log), 30)));
    }
  }

  private static void await(BooleanSupplier condition, Process job, String log, String what) throws Exception {
    await(() -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), job, log, what);
  }

  /** Polls until {@code probe} finds something while the job runs; fails if the job ends first. */
  private static <T> T await(java.util.function.Supplier<Optional<T>> probe, Process job, String log, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (true) {
      Optional<T> found = probe.get();
      if (found.isPresent()) {
        return found.get();
      }
      if (!job.isAlive()) {
        throw new AssertionError("the job ended (exit " + job.exitValue() + ") before " + what + "; the end of "
            + dir.resolve(log) + ":\n" + String.join("\n", tail(dir.resolve(log), 30)));
      }
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static int chatRequests(FaultProxy proxy) {
    return (int) proxy.requests().stream().filter(s -> s.body() != null && s.body().has("messages")).count();
  }

  private static List<String> tail(Path log, int lines) throws IOException {
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }
}
