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
      .add("doc_suggestions", DataTypes.createArrayType(DataTypes.StringType, false), false);

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

  private EvalSparkSchema() {}

  /** The columns the evaluation job writes (the table adds {@code eval_id} from the folder name). */
  public static StructType samples() {
    return SAMPLE;
  }

  public static Row toRow(EvalSample s) {
    List<Row> rounds = new ArrayList<>();
    for (AgentRound r : s.rounds()) {
      rounds.add(RowFactory.create(r.round(), r.prompt(), r.completion(), r.code(), r.status(), r.exceptionType(),
          r.errorLine(), r.message(), seq(r.stderrTail()), r.promptTokens(), r.completionTokens(), r.samplingSeconds(),
          r.renderSeconds(), seq(r.docNames()), seq(r.docMissing()), seq(r.docSuggestions())));
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
          x.getDouble(11), x.getDouble(12), x.getList(13), x.getList(14), x.getList(15)));
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
