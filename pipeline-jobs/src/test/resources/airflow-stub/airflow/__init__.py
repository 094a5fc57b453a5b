"""A stub of the few Airflow names manim-grpo's DAG file uses, just enough to execute it without Airflow
(which cannot be installed where this project is built). DagCheckTest runs the DAG with it; render_dag.py
renders its commands. Unknown keyword arguments are refused, so a typo in the DAG fails here as in Airflow."""
from airflow.models.dag import DAG  # noqa: F401
