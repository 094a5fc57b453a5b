"""Airflow DAG for manim-grpo: validate the data set, then render its reference scenes.

Later stages (rollouts, the trainer, evaluation) join this DAG as the jobs exist.

Settings come from Airflow Variables (Admin > Variables):
  manim_grpo_home     checkout with a built cluster jar (mvn -q package -DskipTests)
  manim_grpo_master   Spark master, e.g. spark://spark-master:7077 or yarn
  manim_grpo_dataset  ManimBench Parquet, e.g. s3a://bucket/manimbench/v1 ("" = bundled sample set)
  manim_grpo_output   output folder, e.g. s3a://bucket/manim-grpo
SPARK_HOME must be set for the Airflow worker. S3 credentials come from the worker's
environment or instance role, never from these Variables.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

HOME = "{{ var.value.manim_grpo_home }}"
MASTER = "{{ var.value.manim_grpo_master }}"
DATASET = "{{ var.value.get('manim_grpo_dataset', '') }}"
OUTPUT = "{{ var.value.manim_grpo_output }}"
SUBMIT = HOME + "/cluster-conf/spark/submit-render-samples.sh"

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
            '"$SPARK_HOME/bin/spark-submit" --master ' + MASTER
            + " --properties-file " + HOME + "/cluster-conf/spark/spark-defaults.conf"
            + " --class dev.manimgrpo.jobs.cli.ManimGrpoCommand "
            + HOME + "/pipeline-jobs/target/pipeline-jobs-0.1.0-SNAPSHOT-cluster.jar dataset validate " + DATASET
        ),
    )
    render = BashOperator(
        task_id="render_references",
        bash_command=(
            SUBMIT + " " + MASTER + " --run-id {{ ds_nodash }}"
            + " --conf output.dir=" + OUTPUT
            + ' {{ "--conf dataset.path=" + var.value.get("manim_grpo_dataset", "") if var.value.get("manim_grpo_dataset", "") else "" }}'
        ),
        execution_timeout=timedelta(hours=6),
    )
    validate >> render
