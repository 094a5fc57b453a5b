package dev.manimgrpo.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG (cluster-conf/airflow/manim_grpo_dag.py) without Airflow, which cannot be installed where
 * this project is built: Debian's python3 executes the DAG file against a stub {@code airflow} package
 * (test resources, airflow-stub/) and renders every task's command with Jinja2 as Airflow would. The graph
 * must have the loop's shape, and every command it builds must be accepted by the job's own command line:
 * the manim-grpo arguments after submit.sh's MASTER in process, the trainer's through bin/manim-grpo-trainer,
 * each with --dry-run (parse, validate the configuration and local paths, exit 0, no Spark).
 */
class AirflowDagTest {

  static final Path HOME = Path.of(System.getProperty("manimgrpo.home", "..")).toAbsolutePath().normalize();
  static final Path DAG = HOME.resolve("cluster-conf/airflow/manim_grpo_dag.py");
  static final Path RENDER = HOME.resolve("pipeline-jobs/src/test/resources/airflow-stub/render_dag.py");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path out;
  static JsonNode defaults;

  @BeforeAll
  static void renderWithDefaults() throws Exception {
    defaults = render(Map.of("output", out.toString()));
  }

  /**
   * What the earlier tasks of a run leave behind (each step's shard and trainer folder), so that a
   * later task's --dry-run finds its local inputs, as it would when the DAG gets to it.
   */
  static void earlierTasksRan(Path output, String run) throws IOException {
    for (int s = 0; s < 3; s++) {
      Files.createDirectories(output.resolve("grpo-runs/" + run + "/rollouts/run_id=" + run + "/step=" + s));
      Files.createDirectories(output.resolve("grpo-runs/" + run + "/train/step-00000" + s));
    }
  }

  @Test
  void theDagIsOneRunFromDataToReportWithOneRolloutAndTrainerPerStep() {
    assertThat(defaults.path("dag_id").asText()).isEqualTo("manim_grpo");
    Map<String, List<String>> upstream = upstream(defaults);
    int steps = defaults.path("params").path("steps").asInt();
    assertThat(steps).isEqualTo(3);
    List<String> expected = new ArrayList<>(List.of("validate_dataset", "render_references"));
    for (int s = 0; s < steps; s++) {
      expected.addAll(List.of("rollout_" + s, "train_" + s, "eval_" + s, "report_" + s));
    }
    assertThat(upstream.keySet()).containsExactlyElementsOf(expected);
    assertThat(upstream.get("validate_dataset")).isEmpty();
    assertThat(upstream.get("render_references")).containsExactly("validate_dataset");
    for (int s = 0; s < steps; s++) {
      assertThat(upstream.get("rollout_" + s)).containsExactly(s == 0 ? "render_references" : "train_" + (s - 1));
      assertThat(upstream.get("train_" + s)).containsExactly("rollout_" + s);
      assertThat(upstream.get("eval_" + s)).containsExactly("train_" + s);
      assertThat(upstream.get("report_" + s)).containsExactly("eval_" + s);
    }
    for (JsonNode t : defaults.path("tasks")) {
      String id = t.path("task_id").asText();
      assertThat(t.path("retries").asInt()).as(id + " retries").isGreaterThanOrEqualTo(1);
      assertThat(t.path("retry_delay_s").asDouble()).as(id + " retry delay").isPositive();
      // A step skipped by start_step must not skip the steps after it.
      assertThat(t.path("trigger_rule").asText()).as(id).isEqualTo("none_failed");
      assertThat(t.path("skip_on_exit_code").asInt()).as(id).isEqualTo(99);
      assertThat(t.path("execution_timeout_s").asDouble()).as(id + " timeout").isPositive();
    }
  }

  @Test
  void stepsFollowOneAnotherThroughTheTrainersCheckpoints() {
    String run = out + "/grpo-runs/grpo-20261201";
    assertThat(argv(defaults, "rollout_0")).containsSubsequence("--conf", "policy.checkpoint=");
    assertThat(argv(defaults, "train_0")).containsSubsequence("--shard", run + "/rollouts/run_id=grpo-20261201/step=0",
        "--run-dir", run + "/train/step-000000", "--reference", "bundled-hf");
    assertThat(argv(defaults, "rollout_1")).containsSubsequence("--step", "1")
        .containsSubsequence("--conf", "policy.checkpoint=" + run + "/train/step-000000");
    assertThat(argv(defaults, "train_2")).containsSubsequence("--conf", "policy.checkpoint=" + run + "/train/step-000001");
    // Exit 5 (no group with reward spread) still leaves a checkpoint: the task succeeds and the run goes on.
    assertThat(command(defaults, "train_1")).contains("if [ $code -eq 5 ]; then", "exit 0; fi ; exit $code");
  }

  @Test
  void evaluationRunsEveryEvalEveryStepsAndAfterTheLast() throws Exception {
    // Defaults: eval_every 2, 3 steps: after step 1 and after the last, step 2.
    assertThat(skipped(defaults, "eval_0")).isTrue();
    assertThat(skipped(defaults, "report_0")).isTrue();
    assertThat(skipped(defaults, "eval_1")).isFalse();
    assertThat(skipped(defaults, "eval_2")).isFalse();
    assertThat(argv(defaults, "report_2")).contains("eval.report=true", "eval.training-run=" + out + "/grpo-runs/grpo-20261201")
        .containsSubsequence("--eval-id", "grpo-20261201-step-2");
    assertThat(argv(defaults, "eval_2")).contains("eval.report=false").containsSubsequence("--eval-id", "grpo-20261201-step-2");

    JsonNode everyStep = render(Map.of("output", out.toString(), "eval_every", 1, "steps", 2));
    assertThat(skipped(everyStep, "eval_0")).isFalse();
    assertThat(skipped(everyStep, "eval_1")).isFalse();
    assertThat(skipped(everyStep, "rollout_2")).isTrue();
    assertThat(skipped(everyStep, "eval_2")).isTrue();
  }

  @Test
  void aRunResumedAtALaterStepSkipsTheFinishedStepsAndSamplesWithTheirCheckpoint() throws Exception {
    JsonNode resumed = render(Map.of("output", out.toString(), "start_step", 1, "run_id", "exp 1"));
    assertThat(skipped(resumed, "rollout_0")).isTrue();
    assertThat(skipped(resumed, "train_0")).isTrue();
    assertThat(skipped(resumed, "rollout_1")).isFalse();
    // The run id is one word for bash, spaces and all.
    assertThat(argv(resumed, "rollout_1")).containsSubsequence("--run-id", "exp 1")
        .containsSubsequence("--conf", "policy.checkpoint=" + out + "/grpo-runs/exp 1/train/step-000000");
  }

  @Test
  void invalidParamsAreRefusedAsAirflowWouldRefuseThem() throws Exception {
    assertThat(renderExit(Map.of("steps", 4))).as("steps above the parsed task pairs").isNotZero();
    assertThat(renderExit(Map.of("eval_split", "validation"))).isNotZero();
    assertThat(renderExit(Map.of("prompts", "eight"))).isNotZero();
    assertThat(renderExit(Map.of("stepz", 1))).isNotZero();
  }

  @Test
  void everyManimGrpoCommandTheDagBuildsPassesTheCliDryRun() throws Exception {
    // Before step 0 has trained, step 1's rollout has no checkpoint to sample with: the dry run says so.
    JsonNode fresh = render(Map.of("output", out.resolve("fresh").toString()));
    List<String> early = new ArrayList<>(firstCommand(task(fresh, "rollout_1")));
    early = new ArrayList<>(early.subList(2, early.size()));
    early.add("--dry-run");
    ManimGrpoCommandTest.Run tooEarly = ManimGrpoCommandTest.run(early.toArray(String[]::new));
    assertThat(tooEarly.exit()).isNotZero();
    assertThat(tooEarly.err()).contains("policy.checkpoint");

    earlierTasksRan(out, "grpo-20261201");
    JsonNode withDataset = render(Map.of("output", out.toString(), "dataset", HOME.resolve("data/manimbench-sample.parquet").toString(),
        "start_checkpoint", "", "eval_every", 1));
    // Remote paths are checked for their syntax only.
    JsonNode inS3 = render(Map.of("output", "s3a://bucket/manim-grpo", "dataset", "s3a://bucket/manimbench/v1",
        "start_checkpoint", "s3a://bucket/sft/step-000400", "run_id", "exp1"));
    int checked = 0;
    for (JsonNode dag : List.of(defaults, withDataset, inS3)) {
      for (JsonNode t : dag.path("tasks")) {
        List<String> argv = firstCommand(t);
        if (!argv.get(0).endsWith("cluster-conf/spark/submit.sh")) {
          continue;
        }
        // submit.sh MASTER COMMAND ARGS...: the CLI gets COMMAND ARGS.
        List<String> args = new ArrayList<>(argv.subList(2, argv.size()));
        args.add("--dry-run");
        ManimGrpoCommandTest.Run r = ManimGrpoCommandTest.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(t.path("task_id").asText() + ": " + args + "\n" + r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("dry run: manim-grpo " + args.get(0));
        checked++;
      }
    }
    // validate, references, 3 rollouts each; evals and reports after steps 1 and 2 (twice), after every step.
    assertThat(checked).isEqualTo((2 + 3 + 4) + (2 + 3 + 6) + (2 + 3 + 4));

    List<String> rollout = new ArrayList<>(firstCommand(task(defaults, "rollout_1")).subList(2, firstCommand(task(defaults,
        "rollout_1")).size()));
    rollout.set(rollout.indexOf("--step") + 1, "x");
    rollout.add("--dry-run");
    assertThat(ManimGrpoCommandTest.run(rollout.toArray(String[]::new)).exit()).as("--step x").isNotZero();
  }

  @Test
  void everyTrainerCommandTheDagBuildsPassesTheTrainerDryRun() throws Exception {
    assertThat(HOME.resolve("trainer/target/trainer.jar"))
        .as("the trainer must be packaged first (mvn package builds it before pipeline-jobs)").exists();
    earlierTasksRan(out, "grpo-20261201");
    for (int s = 0; s < 3; s++) {
      List<String> argv = firstCommand(task(defaults, "train_" + s));
      assertThat(argv.get(0)).isEqualTo(HOME.resolve("bin/manim-grpo-trainer").toString());
      List<String> dry = new ArrayList<>(argv);
      dry.add("--dry-run");
      Proc p = exec(dry);
      assertThat(p.exit()).as(dry + "\n" + p.output()).isZero();
      assertThat(p.output()).contains("dry run: manim-grpo-trainer grpo is valid");
    }
    List<String> broken = new ArrayList<>(firstCommand(task(defaults, "train_0")));
    int shard = broken.indexOf("--shard");
    broken.remove(shard + 1);
    broken.remove(shard);
    broken.add("--dry-run");
    assertThat(exec(broken).exit()).as("no --shard").isNotZero();
  }

  // ---- helpers -------------------------------------------------------------------------------------

  record Proc(int exit, String output) {}

  static Proc exec(List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(out, "proc-", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Proc(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  static JsonNode render(Map<String, Object> params) throws Exception {
    Proc p = renderProc(params);
    assertThat(p.exit()).as(p.output()).isZero();
    JsonNode dags = JSON.readTree(p.output()).path("dags");
    assertThat(dags.size()).as("one DAG in the file").isEqualTo(1);
    return dags.get(0);
  }

  static int renderExit(Map<String, Object> params) throws Exception {
    return renderProc(params).exit();
  }

  static Proc renderProc(Map<String, Object> params) throws Exception {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("manim_grpo_home", HOME.toString());
    Path json = Files.createTempFile(out, "dag-", ".json");
    Path err = Files.createTempFile(out, "dag-", ".err");
    Process p = new ProcessBuilder("/usr/bin/python3", "-B", RENDER.toString(), DAG.toString(),
        "--params", JSON.writeValueAsString(params), "--variables", JSON.writeValueAsString(variables),
        "--logical-date", "2026-12-01")
        .redirectOutput(json.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Proc(p.exitValue(), p.exitValue() == 0 ? Files.readString(json) : Files.readString(err));
  }

  static Map<String, List<String>> upstream(JsonNode dag) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (JsonNode t : dag.path("tasks")) {
      List<String> up = new ArrayList<>();
      t.path("upstream").forEach(u -> up.add(u.asText()));
      m.put(t.path("task_id").asText(), up);
    }
    return m;
  }

  static JsonNode task(JsonNode dag, String id) {
    for (JsonNode t : dag.path("tasks")) {
      if (t.path("task_id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no task " + id);
  }

  static String command(JsonNode dag, String id) {
    return task(dag, id).path("command").asText();
  }

  static List<String> argv(JsonNode dag, String id) {
    return firstCommand(task(dag, id));
  }

  /** The task's first command, up to the first ; (the shell words bash would pass). */
  static List<String> firstCommand(JsonNode t) {
    List<String> argv = new ArrayList<>();
    for (JsonNode a : t.path("argv")) {
      if (a.asText().equals(";")) {
        break;
      }
      argv.add(a.asText());
    }
    return argv;
  }

  static boolean skipped(JsonNode dag, String id) {
    String c = command(dag, id);
    return c.startsWith("echo ") && c.endsWith("exit 99");
  }
}
