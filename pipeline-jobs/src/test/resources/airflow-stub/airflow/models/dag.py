from datetime import datetime, timedelta


class DAG:
    """A DAG as a context manager: operators created inside it join it."""

    _current = []
    KNOWN = {"dag_id", "description", "start_date", "schedule", "catchup", "max_active_runs", "default_args",
             "params", "user_defined_filters", "user_defined_macros", "tags", "doc_md", "dagrun_timeout",
             "max_active_tasks", "render_template_as_native_obj", "end_date"}

    def __init__(self, dag_id, **kwargs):
        unknown = set(kwargs) - self.KNOWN
        if unknown:
            raise TypeError("DAG got unexpected keyword arguments %s" % sorted(unknown))
        if "schedule_interval" in kwargs:
            raise TypeError("schedule_interval is gone; use schedule")
        self.dag_id = dag_id
        self.default_args = kwargs.get("default_args") or {}
        self.params = kwargs.get("params") or {}
        self.user_defined_filters = kwargs.get("user_defined_filters") or {}
        self.user_defined_macros = kwargs.get("user_defined_macros") or {}
        self.kwargs = kwargs
        self.tasks = []
        if not isinstance(kwargs.get("start_date", datetime.now()), datetime):
            raise TypeError("start_date must be a datetime")
        for k, v in self.default_args.items():
            if k in ("retry_delay", "execution_timeout") and not isinstance(v, timedelta):
                raise TypeError("%s must be a timedelta" % k)

    def __enter__(self):
        DAG._current.append(self)
        return self

    def __exit__(self, *exc):
        DAG._current.pop()
        return False

    @classmethod
    def current(cls):
        if not cls._current:
            raise RuntimeError("an operator was created outside a `with DAG(...)` block")
        return cls._current[-1]

    def add(self, task):
        if any(t.task_id == task.task_id for t in self.tasks):
            raise ValueError("duplicate task_id %s in DAG %s" % (task.task_id, self.dag_id))
        self.tasks.append(task)
