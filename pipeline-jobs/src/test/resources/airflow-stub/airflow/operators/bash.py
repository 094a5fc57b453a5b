from datetime import timedelta

from airflow.models.dag import DAG


class BaseOperator:
    OWN = set()
    KNOWN = {"task_id", "retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay", "trigger_rule",
             "execution_timeout", "pool", "queue", "doc_md", "depends_on_past", "owner", "email_on_failure"}
    TRIGGER_RULES = {"all_success", "all_failed", "all_done", "one_success", "one_failed", "none_failed",
                     "none_failed_min_one_success", "none_skipped", "always", "all_skipped"}

    def __init__(self, task_id, **kwargs):
        unknown = set(kwargs) - self.KNOWN - self.OWN
        if unknown:
            raise TypeError("%s got unexpected keyword arguments %s" % (type(self).__name__, sorted(unknown)))
        self.dag = DAG.current()
        args = dict(self.dag.default_args)
        args.update(kwargs)
        self.task_id = task_id
        self.retries = args.get("retries", 0)
        self.retry_delay = args.get("retry_delay", timedelta(seconds=300))
        self.trigger_rule = args.get("trigger_rule", "all_success")
        if self.trigger_rule not in self.TRIGGER_RULES:
            raise ValueError("unknown trigger_rule %s" % self.trigger_rule)
        self.execution_timeout = args.get("execution_timeout")
        self.args = args
        self.upstream = []
        self.dag.add(self)

    def _link(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            if self not in o.upstream:
                o.upstream.append(self)
        return other

    def __rshift__(self, other):
        return self._link(other)

    def __lshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            o._link(self)
        return other

    def __rrshift__(self, other):  # [a, b] >> c
        for o in other:
            o._link(self)
        return self


class BashOperator(BaseOperator):
    OWN = {"bash_command", "env", "append_env", "cwd", "skip_on_exit_code", "output_encoding"}

    def __init__(self, task_id, bash_command, **kwargs):
        super().__init__(task_id, **kwargs)
        if bash_command.rstrip().endswith((".sh", ".bash")):
            # Airflow would load such a command as a template file.
            raise ValueError("bash_command of %s ends with .sh: Airflow would read it as a file" % task_id)
        self.bash_command = bash_command
        self.skip_on_exit_code = kwargs.get("skip_on_exit_code", 99)
