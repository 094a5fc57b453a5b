"""A SparkSession for the notebooks in this folder, with or without PySpark.

With PySpark importable (a cluster's pyspark kernel, Databricks, EMR...), ``spark_session()``
returns ``SparkSession.builder.getOrCreate()``: the real thing, configured by whoever started the
kernel. Without it (this project's CI and a developer's machine, where PySpark is not installed),
it starts Spark in this process's own JVM with JPype, from the project's jars, and returns a
small wrapper. The notebooks use only the part of the API that both sides implement alike:

    spark.sql(query)                      -> DataFrame
    spark.read.parquet(path)              -> DataFrame   (one path; globs and partition discovery as in Spark)
    spark.read.json(path)                 -> DataFrame   (JSON lines; one path, globs allowed)
    df.createOrReplaceTempView(name)
    df.toPandas()                         -> pandas.DataFrame
    df.count()                            -> int
    df.columns                            -> list of str

Anything else (``df.show()``, ``df.filter(...)``, ``spark.read.option(...)``, UDFs) is not there
without PySpark: write it as SQL, which runs unchanged on both. Where ``toPandas()`` differs
from PySpark's (the rows travel as JSON, ``Dataset.toJSON``):

- arrays become Python lists and structs/maps become dicts (PySpark: numpy arrays / Row objects);
- dates and timestamps are ISO-8601 strings (PySpark: datetime objects);
- decimals are floats (PySpark: decimal.Decimal);
- NaN and infinite doubles are floats, as in PySpark (Spark writes them as strings; converted back).

Environment (none is needed with PySpark, except MANIM_GRPO_RUN_DIR):

- MANIM_GRPO_RUN_DIR: the GRPO loop run to analyse, a local folder (a relative one is relative to
  the checkout) or an s3a:// URI; default the most recently modified folder under <repo>/outputs/grpo-runs.
- MANIM_GRPO_CLASSPATH: the JVM's class path (a java.class.path-style string, entries separated
  by os.pathsep, "dir/*" allowed); default <repo>/pipeline-jobs/target/pipeline-jobs.jar and
  <repo>/pipeline-jobs/target/lib/* (build them with `mvn -q package -DskipTests`).
- MANIM_GRPO_SPARK_MASTER: Spark's master for the in-process session; default local[*].
- MANIM_GRPO_NOTEBOOK_XMX: the JVM's maximum heap; default 2g.

The in-process session has no UI, logs at WARN, and is set for small tables: 4 shuffle partitions,
timestamps shown in UTC.
"""

import glob
import json
import math
import os
import tempfile

__all__ = ["spark_session", "run_dir", "run_path", "using_pyspark", "REPO"]

#: The checkout this file sits in (its parent folder is notebooks/).
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RUN_DIR_ENV = "MANIM_GRPO_RUN_DIR"
CLASSPATH_ENV = "MANIM_GRPO_CLASSPATH"
MASTER_ENV = "MANIM_GRPO_SPARK_MASTER"
MASTER_DEFAULT = "local[*]"
XMX_ENV = "MANIM_GRPO_NOTEBOOK_XMX"
XMX_DEFAULT = "2g"

# Spark's own module options on Java 17: the list bin/manim-grpo and the poms' spark.jvm.flags use.
SPARK_JVM_FLAGS = (
    "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-modules=jdk.incubator.vector",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
    "-Djdk.reflect.useDirectMethodHandle=false",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--enable-native-access=ALL-UNNAMED",
)

_session = None


def using_pyspark():
    """True when PySpark is importable, so spark_session() returns PySpark's own session."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def spark_session():
    """The notebook's SparkSession: PySpark's getOrCreate() if PySpark is importable, else one
    started once in this process's JVM (see the module's doc for the API both share)."""
    global _session
    if using_pyspark():
        from pyspark.sql import SparkSession
        return SparkSession.builder.getOrCreate()
    if _session is None:
        _session = _JvmSparkSession(_start_jvm_spark())
    return _session


def run_dir():
    """The GRPO loop run to analyse: $MANIM_GRPO_RUN_DIR (a folder, relative ones to the checkout,
    or an s3a:// URI), else the most recently modified folder under <repo>/outputs/grpo-runs."""
    configured = os.environ.get(RUN_DIR_ENV)
    if configured:
        configured = configured.rstrip("/")
        if "://" in configured or os.path.isabs(configured):
            return configured
        # Relative to the checkout, not to the kernel's working folder (notebooks/).
        return os.path.join(REPO, configured)
    runs = os.path.join(REPO, "outputs", "grpo-runs")
    candidates = [d for d in glob.glob(os.path.join(runs, "*")) if os.path.isdir(d)]
    if not candidates:
        raise RuntimeError(
            f"no GRPO loop run under {runs}: set {RUN_DIR_ENV} to a run directory "
            "(a local folder or an s3a:// URI holding rollouts/ and train/), or run scripts/run.sh first")
    return max(candidates, key=os.path.getmtime)


def run_path(*parts):
    """A path under run_dir(), joined with '/' so that s3a:// URIs work too."""
    return "/".join([run_dir()] + [p.strip("/") for p in parts])


EVAL_DIR_ENV = "MANIM_GRPO_EVAL_DIR"
EVAL_ID_ENV = "MANIM_GRPO_EVAL_ID"


def eval_dir():
    """The evaluation job's tables: $MANIM_GRPO_EVAL_DIR (a folder, relative ones to the checkout, or
    an s3a:// URI: the job's eval.dir), else <repo>/outputs/eval (the job's default)."""
    configured = os.environ.get(EVAL_DIR_ENV, "").rstrip("/")
    if configured and ("://" in configured or os.path.isabs(configured)):
        return configured
    path = os.path.join(REPO, configured or os.path.join("outputs", "eval"))
    if not os.path.isdir(os.path.join(path, "samples")):
        raise RuntimeError(
            f"no evaluation tables under {path}: set {EVAL_DIR_ENV} to the evaluation job's eval.dir "
            "(a local folder or an s3a:// URI holding samples/ and aggregates/), or run `manim-grpo eval` first")
    return path


def eval_path(*parts):
    """A path under eval_dir(), joined with '/' so that s3a:// URIs work too."""
    return "/".join([eval_dir()] + [p.strip("/") for p in parts])


def eval_id(spark):
    """The evaluation run to show: $MANIM_GRPO_EVAL_ID, else the newest id of the eval_samples view
    (ids carry their UTC start time)."""
    configured = os.environ.get(EVAL_ID_ENV)
    if configured:
        return configured
    ids = spark.sql("SELECT DISTINCT eval_id FROM eval_samples").toPandas()["eval_id"].tolist()
    if not ids:
        raise RuntimeError("the eval_samples table is empty")
    return max(ids)


def _classpath():
    configured = os.environ.get(CLASSPATH_ENV)
    if configured:
        entries = [e for e in configured.split(os.pathsep) if e]
    else:
        target = os.path.join(REPO, "pipeline-jobs", "target")
        jar = os.path.join(target, "pipeline-jobs.jar")
        lib = os.path.join(target, "lib")
        if not (os.path.isfile(jar) and os.path.isdir(lib)):
            raise RuntimeError(
                "Spark's jars are not built: run `mvn -q package -DskipTests` in the repository "
                f"(it writes pipeline-jobs/target/pipeline-jobs.jar and lib/), or set {CLASSPATH_ENV}, "
                "or use a kernel with PySpark")
        entries = [jar, os.path.join(lib, "*")]
    expanded = list(_jpype_support_jar())
    for e in entries:
        # The JVM's own "dir/*" convention, expanded here so that every entry is a plain jar or folder.
        expanded.extend(sorted(glob.glob(e[:-1] + "*.jar")) if e.endswith("*") else [e])
    return expanded


def _jpype_support_jar():
    # JPype's own classes (org.jpype.jar) must be on the class path. Its wheels keep the jar next to
    # the _jpype module, where JPype finds it alone; Debian's python3-jpype keeps it in /usr/share/java.
    import _jpype
    for candidate in (os.path.join(os.path.dirname(_jpype.__file__), "org.jpype.jar"),
                      "/usr/share/java/org.jpype.jar"):
        if os.path.isfile(candidate):
            return [candidate]
    return []


def _start_jvm_spark():
    import jpype
    master = os.environ.get(MASTER_ENV, MASTER_DEFAULT)
    if not jpype.isJVMStarted():
        if master.startswith("local"):
            # Spark otherwise warns, with the host's name and address, that the host name is loopback.
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        xmx = os.environ.get(XMX_ENV, XMX_DEFAULT)
        jpype.startJVM(*SPARK_JVM_FLAGS, f"-Xmx{xmx}", classpath=_classpath(), convertStrings=False)
    _quiet_logs(jpype)
    spark = (jpype.JClass("org.apache.spark.sql.SparkSession").builder()
             .master(master)
             .appName("manim-grpo-notebook")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.debug.maxToStringFields", "200")
             .config("spark.sql.shuffle.partitions", "4")
             # Not ./spark-warehouse: the kernel's working folder is notebooks/, in the checkout.
             .config("spark.sql.warehouse.dir", os.path.join(tempfile.gettempdir(), "manim-grpo-notebook-warehouse"))
             .getOrCreate())
    spark.sparkContext().setLogLevel("WARN")
    return spark


def _quiet_logs(jpype):
    # WARN, as setLogLevel sets later, but already while the session starts; and the streaming
    # sink's "no metadata directory" warning (a stack trace for every globbed path) is not news.
    configurator = jpype.JClass("org.apache.logging.log4j.core.config.Configurator")
    level = jpype.JClass("org.apache.logging.log4j.Level")
    configurator.setRootLevel(level.WARN)
    configurator.setLevel("org.apache.spark.sql.execution.streaming", level.ERROR)


class _JvmReader:
    """spark.read: parquet(path) and json(path), one path each."""

    def __init__(self, jspark):
        self._jspark = jspark

    def parquet(self, path):
        return _JvmDataFrame(self._jspark.read().parquet(_one_path(path)))

    def json(self, path):
        return _JvmDataFrame(self._jspark.read().json(_one_path(path)))


def _one_path(path):
    import jpype
    return jpype.JArray(jpype.JString)([str(path)])


class _JvmSparkSession:
    """The in-process JVM's SparkSession, with PySpark's names for the methods the notebooks use."""

    def __init__(self, jspark):
        self._jspark = jspark

    @property
    def read(self):
        return _JvmReader(self._jspark)

    def sql(self, query):
        return _JvmDataFrame(self._jspark.sql(query))

    @property
    def version(self):
        return str(self._jspark.version())

    def stop(self):
        global _session
        self._jspark.stop()
        _session = None


class _JvmDataFrame:
    """A Dataset<Row> with PySpark's names for createOrReplaceTempView, toPandas, count, columns."""

    def __init__(self, jdf):
        self._jdf = jdf

    @property
    def columns(self):
        return [str(c) for c in self._jdf.columns()]

    def count(self):
        return int(self._jdf.count())

    def createOrReplaceTempView(self, name):  # noqa: N802 (PySpark's name)
        self._jdf.createOrReplaceTempView(name)

    def toPandas(self):  # noqa: N802 (PySpark's name)
        import jpype
        import pandas as pd
        columns = self.columns
        # One string across the bridge, not one per row: JSON lines never hold a raw newline.
        text = str(jpype.JClass("java.lang.String").join("\n", self._jdf.toJSON().collectAsList()))
        records = [json.loads(line) for line in text.split("\n")] if text else []
        frame = pd.DataFrame.from_records(records, columns=columns)
        for field in self._jdf.schema().fields():
            name, kind = str(field.name()), str(field.dataType().typeName())
            if kind in ("double", "float"):
                frame[name] = frame[name].map(_as_float).astype("float64")
            elif kind in ("string", "date", "timestamp", "timestamp_ntz"):
                # As PySpark: None for null (pandas would make an all-null column float NaN).
                frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
        return frame


def _as_float(value):
    # Spark's JSON writer quotes NaN and the infinities; float() reads "NaN", "Infinity", "-Infinity".
    if value is None:
        return math.nan
    return float(value)
