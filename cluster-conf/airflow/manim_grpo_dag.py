"""Airflow DAGs for manim-grpo.

manim_grpo_reference_renders: validate the data set, then render its reference scenes (daily).
manim_grpo_grpo_loop:         the GRPO loop as separate steps: for each step S, the rollout job
                              (spark-submit, executors sample, render and score) then the trainer
                              (its own process, e.g. on a GPU node) on step S's shards; step S+1
                              samples with step S's checkpoint. Every task is idempotent: a retried
                              or re-run task keeps what is complete (complete rollout groups, the
                              trainer's newest checkpoint) and does only what is missing.

Settings come from Airflow Variables (Admin > Variables):
  manim_grpo_home     checkout with a built cluster jar and trainer (mvn -q package -DskipTests)
  manim_grpo_master   Spark master, e.g. spark://spark-master:7077 or yarn
  manim_grpo_dataset  ManimBench Parquet, e.g. s3a://bucket/manimbench/v1 ("" = bundled sample set)
  manim_grpo_output   output folder, e.g. s3a://bucket/manim-grpo
  manim_grpo_steps    GRPO loop steps per DAG run (default 3)
  manim_grpo_prompts  prompts per step (default 8)
  manim_grpo_start    starting checkpoint of the loop ("" = the bundled starter policy)
SPARK_HOME must be set for the Airflow worker. S3 credentials and API keys come from the
worker's environment or instance role, never from these Variables.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

HOME = "{{ var.value.manim_grpo_home }}"
MASTER = "{{ var.value.manim_grpo_master }}"
DATASET = "{{ var.value.get('manim_grpo_dataset', '') }}"
OUTPUT = "{{ var.value.manim_grpo_output }}"
SUBMIT = HOME + "/cluster-conf/spark/submit.sh"
TRAINER = HOME + "/bin/manim-grpo-trainer"
DATASET_CONF = (
    '{{ "--conf dataset.path=" + var.value.get("manim_grpo_dataset", "") '
    'if var.value.get("manim_grpo_dataset", "") else "" }}'
)

with DAG(
    dag_id="manim_grpo_reference_renders",
    description="Validate ManimBench data and render reference scenes once per content hash",
    start_date=datetime(2026, 11, 1),
    schedule="@daily",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["manim-grpo"],
) as dag:
    validate = BashOperator(
        task_id="validate_dataset",
        bash_command=(
            '[ -z "' + DATASET + '" ] && echo "bundled sample set" || '
            + SUBMIT + " " + MASTER + " dataset validate " + DATASET
        ),
    )
    render = BashOperator(
        task_id="render_references",
        bash_command=(
            SUBMIT + " " + MASTER + " render-samples --run-id {{ ds_nodash }}"
            + " --conf output.dir=" + OUTPUT + " " + DATASET_CONF
        ),
        execution_timeout=timedelta(hours=6),
    )
    validate >> render


STEPS = int(Variable.get("manim_grpo_steps", default_var="3"))
RUN = "grpo-{{ ds_nodash }}"
RUN_DIR = OUTPUT + "/grpo-runs/" + RUN
START = "{{ var.value.get('manim_grpo_start', '') }}"


def step_dir(step):
    return RUN_DIR + "/train/step-%06d" % step


with DAG(
    dag_id="manim_grpo_grpo_loop",
    description="GRPO loop: rollouts on Spark, a trainer step on their shards, the next checkpoint",
    start_date=datetime(2026, 11, 1),
    schedule=None,
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["manim-grpo"],
) as loop:
    previous = None
    for step in range(STEPS):
        policy = START if step == 0 else step_dir(step - 1)
        rollout = BashOperator(
            task_id="rollout_step_%d" % step,
            bash_command=(
                SUBMIT + " " + MASTER + " rollout --run-id " + RUN + " --step %d" % step
                + " --prompts {{ var.value.get('manim_grpo_prompts', '8') }}"
                + ' --conf "policy.checkpoint=' + policy + '"'
                + " --conf rollout.dir=" + RUN_DIR + "/rollouts --conf output.dir=" + OUTPUT
                + " " + DATASET_CONF
            ),
            execution_timeout=timedelta(hours=6),
        )
        # Exit 5: no group of the step had reward spread; the trainer saved the policy unchanged
        # as the step's checkpoint, and the loop goes on.
        train = BashOperator(
            task_id="train_step_%d" % step,
            bash_command=(
                TRAINER + " grpo --no-progress"
                + " --shard " + RUN_DIR + "/rollouts/run_id=" + RUN + "/step=%d" % step
                + " --run-dir " + step_dir(step)
                + ' --reference "' + START + '"'
                + ' --conf "policy.checkpoint=' + policy + '"'
                + "; code=$?; [ $code -eq 0 ] || [ $code -eq 5 ]"
            ),
            execution_timeout=timedelta(hours=12),
        )
        if previous is not None:
            previous >> rollout
        rollout >> train
        previous = train

    # After the last step: the study's evaluation of the starting policy and the trained one, every
    # strategy (direct, RITL, RITL-DOC) on the test split, with the loop's curves in the report.
    evaluate = BashOperator(
        task_id="evaluate",
        bash_command=(
            SUBMIT + " " + MASTER + " eval --eval-id " + RUN + " --split test"
            + " --conf \"eval.policies=[{name: start, stage: sft, checkpoint: '" + START
            + "'}, {name: grpo, stage: sft_grpo, checkpoint: '" + step_dir(STEPS - 1) + "'}]\""
            + " --conf eval.dir=" + OUTPUT + "/eval --conf eval.training-run=" + RUN_DIR
            + " --conf output.dir=" + OUTPUT + " " + DATASET_CONF
        ),
        execution_timeout=timedelta(hours=12),
    )
    previous >> evaluate
