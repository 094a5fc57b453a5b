import json
import os

from airflow.models.dag import DAG  # noqa: F401
from airflow.models.param import Param  # noqa: F401


class Variable:
    """Airflow Variables, from the JSON object in $AIRFLOW_STUB_VARIABLES."""

    @staticmethod
    def _all():
        return json.loads(os.environ.get("AIRFLOW_STUB_VARIABLES", "{}"))

    @classmethod
    def get(cls, key, default_var=None, deserialize_json=False):
        values = cls._all()
        if key not in values:
            if default_var is None:
                raise KeyError("Variable %s does not exist" % key)
            return default_var
        value = values[key]
        return json.loads(value) if deserialize_json else value
