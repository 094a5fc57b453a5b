package dev.manimgrpo.core.spark;

import dev.manimgrpo.core.agent.AgentRound;
import dev.manimgrpo.core.eval.EvalSample;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The {@code eval_samples} table: one row per (policy, stage, strategy, prompt), every round kept
 * in the {@code rounds} array (the {@code eval_rounds} view explodes it). Columns are
 * {@link EvalSample}'s and {@link AgentRound}'s fields in snake case, described in the README.
 */
public final class EvalSparkSchema {

  static final StructType ROUND = new StructType()
      .add("round", DataTypes.IntegerType, false)
      .add("prompt", DataTypes.StringType, false)
      .add("completion", DataTypes.StringType, false)
      .add("code", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("exception_type", DataTypes.StringType, true)
      .add("error_line", DataTypes.IntegerType, true)
      .add("message", DataTypes.StringType, false)
      .add("stderr_tail", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("prompt_tokens", DataTypes.IntegerType, false)
      .add("completion_tokens", DataTypes.IntegerType, false)
      .add("sampling_seconds", DataTypes.DoubleType, false)
      .add("render_seconds", DataTypes.DoubleType, false)
      .add("doc_names", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("doc_missing", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("doc_suggestions", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("doc_related", DataTypes.createArrayType(DataTypes.StringType, false), false);

  /** Without eval_id: it is the partition folder's name ({@code eval_id=E}), as partitionBy writes it. */
  static final StructType SAMPLE = new StructType()
      .add("policy", DataTypes.StringType, false)
      .add("stage", DataTypes.StringType, false)
      .add("strategy", DataTypes.StringType, false)
      .add("prompt_id", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, true)
      .add("difficulty", DataTypes.StringType, true)
      .add("task_prompt", DataTypes.StringType, false)
      .add("template_version", DataTypes.StringType, false)
      .add("rounds_used", DataTypes.IntegerType, false)
      .add("final_status", DataTypes.StringType, false)
      .add("success", DataTypes.BooleanType, false)
      .add("error_class", DataTypes.StringType, true)
      .add("error_line", DataTypes.IntegerType, true)
      .add("final_code", DataTypes.StringType, false)
      .add("vs_study", DataTypes.DoubleType, false)
      .add("vs_default", DataTypes.DoubleType, false)
      .add("code_bleu", DataTypes.DoubleType, true)
      .add("codebert_bleu", DataTypes.DoubleType, true)
      .add("syntax_error", DataTypes.BooleanType, true)
      .add("ast_edit_distance", DataTypes.DoubleType, true)
      .add("prompt_tokens", DataTypes.LongType, false)
      .add("completion_tokens", DataTypes.LongType, false)
      .add("renders", DataTypes.IntegerType, false)
      .add("sampling_seconds", DataTypes.DoubleType, false)
      .add("render_seconds", DataTypes.DoubleType, false)
      .add("wall_seconds", DataTypes.DoubleType, false)
      .add("policy_id", DataTypes.StringType, false)
      .add("manim_version", DataTypes.StringType, true)
      .add("rounds", DataTypes.createArrayType(ROUND, false), false);

  /** The {@code eval_aggregates} table (without eval_id, the partition folder's name). */
  static final StructType AGGREGATE = aggregateSchema();

  /** The {@code study_results} table: the study's published figures. */
  static final StructType STUDY = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("training", DataTypes.StringType, false)
      .add("strategy", DataTypes.StringType, false)
      .add("rounds", DataTypes.IntegerType, true)
      .add("rsr", DataTypes.DoubleType, false)
      .add("vs", DataTypes.DoubleType, true)
      .add("source", DataTypes.StringType, false);

  private EvalSparkSchema() {}

  private static StructType aggregateSchema() {
    StructType t = new StructType()
        .add("policy", DataTypes.StringType, false)
        .add("stage", DataTypes.StringType, false)
        .add("strategy", DataTypes.StringType, false)
        .add("n", DataTypes.IntegerType, false);
    for (String m : new String[] {"rsr", "vs_study", "vs_default"}) {
      t = interval(t, m);
    }
    t = t.add("with_program", DataTypes.IntegerType, false);
    t = interval(t, "code_bleu");
    return t.add("mean_rounds", DataTypes.DoubleType, false)
        .add("renders_per_sample", DataTypes.DoubleType, false)
        .add("tokens_per_sample", DataTypes.DoubleType, true)
        .add("wall_seconds_per_sample", DataTypes.DoubleType, false)
        .add("renders_vs_direct", DataTypes.DoubleType, true)
        .add("tokens_vs_direct", DataTypes.DoubleType, true)
        .add("wall_vs_direct", DataTypes.DoubleType, true)
        .add("first_round_success_rate", DataTypes.DoubleType, false)
        .add("recovered_by_feedback", DataTypes.IntegerType, false);
  }

  private static StructType interval(StructType t, String name) {
    return t.add(name, DataTypes.DoubleType, true).add(name + "_lo", DataTypes.DoubleType, true)
        .add(name + "_hi", DataTypes.DoubleType, true);
  }

  public static StructType aggregates() {
    return AGGREGATE;
  }

  public static StructType studyResults() {
    return STUDY;
  }

  public static Row toRow(dev.manimgrpo.core.eval.EvalAggregate a) {
    List<Object> v = new ArrayList<>(List.of(a.policy(), a.stage(), a.strategy(), a.n()));
    add(v, a.rsr());
    add(v, a.vsStudy());
    add(v, a.vsDefault());
    v.add(a.withProgram());
    add(v, a.codeBleu());
    v.add(a.meanRounds());
    v.add(a.rendersPerSample());
    v.add(a.tokensPerSample());
    v.add(a.wallSecondsPerSample());
    v.add(a.rendersVsDirect());
    v.add(a.tokensVsDirect());
    v.add(a.wallVsDirect());
    v.add(a.firstRoundSuccessRate());
    v.add(a.recoveredByFeedback());
    return RowFactory.create(v.toArray());
  }

  public static Row toRow(dev.manimgrpo.core.eval.StudyResult r) {
    return RowFactory.create(r.model(), r.training(), r.strategy(), r.rounds(), r.rsr(), r.vs(), r.source());
  }

  /** An interval as three nullable columns: NaN (no samples) is null, not a number. */
  private static void add(List<Object> v, dev.manimgrpo.core.eval.BootstrapInterval.Interval i) {
    v.add(finite(i.mean()));
    v.add(finite(i.lo()));
    v.add(finite(i.hi()));
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  /** The columns the evaluation job writes (the table adds {@code eval_id} from the folder name). */
  public static StructType samples() {
    return SAMPLE;
  }

  public static Row toRow(EvalSample s) {
    List<Row> rounds = new ArrayList<>();
    for (AgentRound r : s.rounds()) {
      rounds.add(RowFactory.create(r.round(), r.prompt(), r.completion(), r.code(), r.status(), r.exceptionType(),
          r.errorLine(), r.message(), seq(r.stderrTail()), r.promptTokens(), r.completionTokens(), r.samplingSeconds(),
          r.renderSeconds(), seq(r.docNames()), seq(r.docMissing()), seq(r.docSuggestions()),
          seq(r.docRelated())));
    }
    return RowFactory.create(s.policy(), s.stage(), s.strategy(), s.promptId(), s.split(), s.difficulty(),
        s.taskPrompt(), s.templateVersion(), s.roundsUsed(), s.finalStatus(), s.success(), s.errorClass(),
        s.errorLine(), s.finalCode(), s.vsStudy(), s.vsDefault(), s.codeBleu(), s.codeBertBleu(), s.syntaxError(),
        s.astEditDistance(), s.promptTokens(), s.completionTokens(), s.renders(), s.samplingSeconds(),
        s.renderSeconds(), s.wallSeconds(), s.policyId(), s.manimVersion(), seq(rounds));
  }

  /** A row read back from the table (with its {@code eval_id} column). */
  public static EvalSample fromRow(Row r) {
    List<AgentRound> rounds = new ArrayList<>();
    for (Row x : r.<Row>getList(r.fieldIndex("rounds"))) {
      rounds.add(new AgentRound(x.getInt(0), x.getString(1), x.getString(2), x.getString(3), x.getString(4),
          x.getString(5), x.isNullAt(6) ? null : x.getInt(6), x.getString(7), x.getList(8), x.getInt(9), x.getInt(10),
          x.getDouble(11), x.getDouble(12), x.getList(13), x.getList(14), x.getList(15), x.getList(16)));
    }
    return new EvalSample(str(r, "eval_id"), str(r, "policy"), str(r, "stage"), str(r, "strategy"),
        str(r, "prompt_id"), str(r, "split"), str(r, "difficulty"), str(r, "task_prompt"), str(r, "template_version"),
        r.getInt(r.fieldIndex("rounds_used")), str(r, "final_status"), r.getBoolean(r.fieldIndex("success")),
        str(r, "error_class"), integer(r, "error_line"), str(r, "final_code"), dbl(r, "vs_study"), dbl(r, "vs_default"),
        nullableDbl(r, "code_bleu"), nullableDbl(r, "codebert_bleu"),
        r.isNullAt(r.fieldIndex("syntax_error")) ? null : r.getBoolean(r.fieldIndex("syntax_error")),
        nullableDbl(r, "ast_edit_distance"), r.getLong(r.fieldIndex("prompt_tokens")),
        r.getLong(r.fieldIndex("completion_tokens")), r.getInt(r.fieldIndex("renders")), dbl(r, "sampling_seconds"),
        dbl(r, "render_seconds"), dbl(r, "wall_seconds"), str(r, "policy_id"), str(r, "manim_version"), rounds);
  }

  private static String str(Row r, String c) {
    int i = r.fieldIndex(c);
    return r.isNullAt(i) ? null : String.valueOf(r.get(i));
  }

  private static Integer integer(Row r, String c) {
    int i = r.fieldIndex(c);
    return r.isNullAt(i) ? null : r.getInt(i);
  }

  private static double dbl(Row r, String c) {
    return r.getDouble(r.fieldIndex(c));
  }

  private static Double nullableDbl(Row r, String c) {
    int i = r.fieldIndex(c);
    return r.isNullAt(i) ? null : r.getDouble(i);
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }
}
