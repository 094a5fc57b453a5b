"""Executes an Airflow DAG file against the stub `airflow` package beside this script, renders every task's
bash_command with Jinja2 as Airflow would (params, var.value, ds_nodash, the DAG's filters), and prints JSON:
    {"dags": [{"dag_id", "params", "tasks": [{"task_id", "upstream", "retries", "retry_delay_s",
                                              "trigger_rule", "command", "argv"}]}]}
argv: the rendered command split as bash would split it (shlex, with ; & | as their own words).
Usage: render_dag.py DAG_FILE [--params JSON] [--variables JSON] [--logical-date YYYY-MM-DD]
Only Debian's python3 and python3-jinja2 are needed."""
import argparse
import importlib.util
import json
import os
import shlex
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jinja2  # noqa: E402

from airflow.models.dag import DAG  # noqa: E402


class VarValue:
    """{{ var.value.KEY }} and {{ var.value.get('KEY', default) }}; a missing Variable fails like Airflow's."""

    def __init__(self, values):
        self._values = values

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        if key not in self._values:
            raise KeyError("Variable %s does not exist" % key)
        return self._values[key]

    def get(self, key, default=None):
        return self._values.get(key, default)


def split(command):
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    return list(lexer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dag_file")
    ap.add_argument("--params", default="{}")
    ap.add_argument("--variables", default=None)
    ap.add_argument("--logical-date", default="2026-12-01")
    a = ap.parse_args()
    if a.variables is not None:
        os.environ["AIRFLOW_STUB_VARIABLES"] = a.variables
    variables = json.loads(os.environ.get("AIRFLOW_STUB_VARIABLES", "{}"))
    spec = importlib.util.spec_from_file_location("dag_under_test", a.dag_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dags = [v for v in vars(module).values() if isinstance(v, DAG)]
    if not dags:
        raise SystemExit("no DAG in " + a.dag_file)
    overrides = json.loads(a.params)
    date = datetime.strptime(a.logical_date, "%Y-%m-%d")
    out = []
    for dag in dags:
        unknown = set(overrides) - set(dag.params)
        if unknown:
            raise SystemExit("unknown params %s" % sorted(unknown))
        params = {k: p.resolve(overrides.get(k, p.value)) for k, p in dag.params.items()}
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        env.filters.update(dag.user_defined_filters)
        env.globals.update(dag.user_defined_macros)
        context = {"params": params, "var": {"value": VarValue(variables)}, "ds": date.strftime("%Y-%m-%d"),
                   "ds_nodash": date.strftime("%Y%m%d"), "run_id": "manual__" + date.isoformat(),
                   "dag": {"dag_id": dag.dag_id}}
        tasks = []
        for t in dag.tasks:
            command = env.from_string(t.bash_command).render(context)
            tasks.append({"task_id": t.task_id, "upstream": [u.task_id for u in t.upstream], "retries": t.retries,
                          "retry_delay_s": t.retry_delay.total_seconds(), "trigger_rule": t.trigger_rule,
                          "skip_on_exit_code": t.skip_on_exit_code,
                          "execution_timeout_s": t.execution_timeout.total_seconds() if t.execution_timeout else None,
                          "command": command, "argv": split(command)})
        out.append({"dag_id": dag.dag_id, "params": params, "tasks": tasks})
    json.dump({"dags": out}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
