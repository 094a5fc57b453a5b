"""Airflow DAG `manim_grpo`: one GRPO run, from the data to the report.

    validate_dataset >> render_references >> rollout_0 >> train_0 >> rollout_1 >> train_1 >> ...
                                                          train_S >> eval_S >> report_S   (on the schedule)

- validate_dataset: `manim-grpo dataset validate` (the bundled sample set when `dataset` is empty).
- render_references: `render-samples`, the reference renders every reward compares against (once per
  content hash; a rerun renders only what is missing).
- rollout_S: the rollout job on Spark (cluster-conf/spark/submit.sh): the step's prompts, G completions
  each, sampled with step S's policy (the starting checkpoint for S = 0, else train_{S-1}'s run folder),
  rendered and scored, written to <output>/grpo-runs/<run_id>/rollouts/run_id=<run_id>/step=S.
- train_S: `manim-grpo-trainer grpo` on that shard, into <output>/grpo-runs/<run_id>/train/step-00000S,
  KL against the starting policy. Exit 5 means no group of the step had reward spread: the trainer saved
  the policy unchanged as the step's checkpoint, and the run goes on (the task succeeds).
- eval_S, report_S: after every `eval_every`-th step and after the last, `manim-grpo eval` of the starting
  policy against step S's checkpoint (eval id <run_id>-step-S, tables under <output>/eval), then the same
  eval id again with the report on and the run's curves (`eval.training-run`): it evaluates nothing new
  and writes report.html. The eval branch does not hold up the next step.

Params (Trigger DAG w/ config): run_id, steps, start_step, prompts, dataset, output, start_checkpoint,
master, eval_every, eval_split, config. The number of step task pairs is fixed when the file is parsed:
the Airflow Variable `manim_grpo_steps` (default 3); `steps` may be smaller, never larger.
Variables: `manim_grpo_home` (a checkout with a build: mvn -q package -DskipTests), `manim_grpo_steps`.
The worker needs SPARK_HOME (and, for Kubernetes, MANIM_GRPO_IMAGE: see cluster-conf/spark/submit.sh --help).
S3 credentials and API keys come from the worker's environment or role, never from params or Variables.

Idempotent tasks, and how a failed step resumes: every task can be retried or rerun and does only what
is missing. The rollout job keeps a (run, step)'s complete groups (exactly G rows), removes a killed
run's uncommitted task output and partial groups, and samples only the rest (jobs.rollout, KilledRolloutTest).
The trainer resumes from the newest checkpoint in its run folder (a finished step is a no-op; a step
that exited 5 exits 5 again). `eval` keeps its finished samples per eval id. So a failed task is
retried (retries below), and after fixing a cause, "Clear" on the failed task with its downstream
resumes the run where it stopped; a new DAG run with the same run_id and start_step = the failed step
skips the finished steps (their tasks exit 99: skipped) and continues.
"""
import shlex
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.models.param import Param
from airflow.operators.bash import BashOperator

STEPS = int(Variable.get("manim_grpo_steps", default_var="3"))

HOME = "{{ var.value.manim_grpo_home }}"
SUBMIT = HOME + "/cluster-conf/spark/submit.sh"
TRAINER = HOME + "/bin/manim-grpo-trainer"

# Jinja expressions (rendered when a task runs); `sh` quotes a value for bash.
RUN = "(params.run_id or 'grpo-' ~ ds_nodash)"
RUN_DIR = "(params.output ~ '/grpo-runs/' ~ " + RUN + ")"
START_OR_BUNDLED = "(params.start_checkpoint or 'bundled-hf')"


def q(expr):
    """A Jinja expression rendered as one bash word."""
    return "{{ (" + expr + ") | sh }}"


def train_dir(step):
    return "(" + RUN_DIR + " ~ '/train/step-%06d')" % step


def policy(step):
    """The checkpoint step `step` samples with: the starting one, then the previous step's trainer run."""
    return "params.start_checkpoint" if step == 0 else train_dir(step - 1)


# Options every manim-grpo and trainer invocation shares: the run's config file (when given), its output.
COMMON = "{{ ('--config ' ~ (params.config | sh)) if params.config }} --conf " + q("'output.dir=' ~ params.output")
DATASET = "{{ ('--conf ' ~ (('dataset.path=' ~ params.dataset) | sh)) if params.dataset }}"


def only_in_run(step, body, also=""):
    """Runs `body` only when step `step` belongs to this DAG run (and `also` holds), else skips the task."""
    skip = ("{% if " + "%d < params.start_step or %d >= params.steps" % (step, step)
            + " %}echo 'step " + str(step) + " is not run by this DAG run (start_step, steps)'; exit 99")
    if also:
        skip += "{% elif not (" + also + ") %}echo 'step " + str(step) + " is not on the schedule (eval_every)'; exit 99"
    return skip + "{% else %}" + body + "{% endif %}"


def eval_command(step, report):
    policies = ("'eval.policies=[{name: start, stage: sft, checkpoint: \"' ~ " + START_OR_BUNDLED
                + " ~ '\"}, {name: step-" + str(step) + ", stage: sft_grpo, checkpoint: \"' ~ "
                + train_dir(step) + " ~ '\"}]'")
    cmd = (SUBMIT + " " + q("params.master") + " eval --no-progress --eval-id " + q(RUN + " ~ '-step-" + str(step) + "'")
           + " --split " + q("params.eval_split") + " " + COMMON + " " + DATASET
           + " --conf " + q(policies) + " --conf " + q("'eval.dir=' ~ params.output ~ '/eval'"))
    if report:
        cmd += " --conf eval.report=true --conf " + q("'eval.training-run=' ~ " + RUN_DIR)
    else:
        cmd += " --conf eval.report=false"
    return cmd


def evaluated(step):
    """Jinja condition: step `step` is on the evaluation schedule (every eval_every steps, and the last)."""
    return "(%d + 1) %% (params.eval_every | int) == 0 or %d == (params.steps | int) - 1" % (step, step)


with DAG(
    dag_id="manim_grpo",
    description="GRPO run: reference renders, then per step rollouts (Spark) and a trainer step; eval and report",
    start_date=datetime(2026, 11, 1),
    schedule=None,  # one run per experiment, triggered with its params
    catchup=False,
    max_active_runs=1,  # two DAG runs must never write the same run_id's folders at once
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
        # A skipped step (start_step, steps) must not skip the steps after it.
        "trigger_rule": "none_failed",
    },
    params={
        "run_id": Param("", type="string", description="GRPO run id; empty: grpo-<logical date>. Reuse it to resume."),
        "steps": Param(STEPS, type="integer", minimum=1, maximum=STEPS,
                       description="Steps of this run (at most the Variable manim_grpo_steps, read at parse time)."),
        "start_step": Param(0, type="integer", minimum=0, description="First step to run; earlier ones are skipped."),
        "prompts": Param(8, type="integer", minimum=0, description="Prompts per step (0 = all of the selection)."),
        "dataset": Param("", type="string", description="ManimBench Parquet (local or s3a://); empty: bundled set."),
        "output": Param("outputs", type="string", description="Output folder (local or s3a://): runs, eval, renders."),
        "start_checkpoint": Param("", type="string", description="Starting policy checkpoint; empty: the bundled starter (bundled-hf)."),
        "master": Param("yarn", type="string", description="Spark master: spark://host:7077, yarn or k8s://https://..."),
        "eval_every": Param(2, type="integer", minimum=1, description="Evaluate after every N-th step (and the last)."),
        "eval_split": Param("test", type="string", enum=["train", "test", "all"], description="Split evaluated."),
        "config": Param("", type="string", description="The run's YAML config file on the worker; empty: none."),
    },
    user_defined_filters={"sh": lambda v: shlex.quote(str(v))},
    tags=["manim-grpo"],
) as dag:
    validate = BashOperator(
        task_id="validate_dataset",
        bash_command=SUBMIT + " " + q("params.master") + " dataset validate " + COMMON
        + " {{ params.dataset | sh if params.dataset }}",
        execution_timeout=timedelta(hours=1),
    )
    references = BashOperator(
        task_id="render_references",
        bash_command=SUBMIT + " " + q("params.master") + " render-samples --no-progress --run-id "
        + q("'references-' ~ " + RUN) + " " + COMMON + " " + DATASET,
        execution_timeout=timedelta(hours=6),
    )
    validate >> references

    previous = references
    for step in range(STEPS):
        rollout = BashOperator(
            task_id="rollout_%d" % step,
            bash_command=only_in_run(step, SUBMIT + " " + q("params.master") + " rollout --no-progress --run-id " + q(RUN)
                                     + " --step %d --prompts {{ params.prompts | int }} " % step + COMMON + " " + DATASET
                                     + " --conf " + q("'policy.checkpoint=' ~ " + policy(step))
                                     + " --conf " + q("'rollout.dir=' ~ " + RUN_DIR + " ~ '/rollouts'")),
            execution_timeout=timedelta(hours=6),
        )
        # Exit 5: nothing to train in this step's shard; the checkpoint is the policy unchanged.
        train = BashOperator(
            task_id="train_%d" % step,
            bash_command=only_in_run(step, TRAINER + " grpo --no-progress --shard "
                                     + q(RUN_DIR + " ~ '/rollouts/run_id=' ~ " + RUN + " ~ '/step=%d'" % step)
                                     + " --run-dir " + q(train_dir(step)) + " --reference " + q(START_OR_BUNDLED)
                                     + " " + COMMON + " --conf " + q("'policy.checkpoint=' ~ " + policy(step))
                                     + " ; code=$? ; if [ $code -eq 5 ]; then echo 'no group with reward spread:"
                                     " the policy goes on unchanged'; exit 0; fi ; exit $code"),
            execution_timeout=timedelta(hours=12),
        )
        evaluate = BashOperator(
            task_id="eval_%d" % step,
            bash_command=only_in_run(step, eval_command(step, report=False), also=evaluated(step)),
            execution_timeout=timedelta(hours=12),
        )
        report = BashOperator(
            task_id="report_%d" % step,
            bash_command=only_in_run(step, eval_command(step, report=True), also=evaluated(step)),
            execution_timeout=timedelta(hours=2),
        )
        previous >> rollout >> train >> evaluate >> report
        previous = train
