package dev.manimgrpo.core.spark;

import dev.manimgrpo.core.policy.ChatPrompt;
import dev.manimgrpo.core.rollout.RolloutColumn;
import dev.manimgrpo.core.rollout.RolloutDetails;
import dev.manimgrpo.core.rollout.RolloutRecord;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.core.rollout.RolloutShardSchema;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rollout shard as Spark sees it, derived from {@link RolloutShardSchema#COLUMNS}. Kept
 * apart from the schema so that code without Spark (the trainer) never loads Spark classes.
 */
public final class RolloutShardSparkSchema {


  private static final StructType MESSAGE = new StructType()
      .add("role", DataTypes.StringType, false).add("content", DataTypes.StringType, false);
  private static final StructType REWARD_MODEL = new StructType()
      .add("style", DataTypes.StringType, false).add("ground_truth", DataTypes.StringType, true);
  private static final StructType EXTRA_INFO = new StructType()
      .add("split", DataTypes.StringType, true).add("index", DataTypes.IntegerType, true)
      .add("prompt_id", DataTypes.StringType, false).add("group_uid", DataTypes.StringType, false)
      .add("rollout_index", DataTypes.IntegerType, false).add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.IntegerType, false).add("difficulty", DataTypes.StringType, true);
  // After the struct types they use.
  private static final StructType SCHEMA = build(RolloutShardSchema.COLUMNS);
  private static final StructType FULL_SCHEMA = build(RolloutShardSchema.ALL_COLUMNS);


  private RolloutShardSparkSchema() {}

  /** The trainer's columns ({@link RolloutShardSchema#COLUMNS}): a minimal shard. */
  public static StructType sparkSchema() {
    return SCHEMA;
  }

  /** Every column the rollout job writes ({@link RolloutShardSchema#ALL_COLUMNS}). */
  public static StructType fullSchema() {
    return FULL_SCHEMA;
  }

  /** The Spark type of one logical column type. Arrays never contain nulls. */
  public static DataType sparkType(RolloutColumn.Type type) {
    return switch (type) {
      case STRING -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case DOUBLE -> DataTypes.DoubleType;
      case BOOLEAN -> DataTypes.BooleanType;
      case INT_ARRAY -> DataTypes.createArrayType(DataTypes.IntegerType, false);
      case FLOAT_ARRAY -> DataTypes.createArrayType(DataTypes.FloatType, false);
      case LONG -> DataTypes.LongType;
      case MESSAGES -> DataTypes.createArrayType(MESSAGE, false);
      case REWARD_MODEL -> REWARD_MODEL;
      case EXTRA_INFO -> EXTRA_INFO;
    };
  }

  /** A Spark row in {@link #sparkSchema()} order. */
  public static Row toRow(RolloutRow r) {
    return RowFactory.create(r.runId(), r.step(), r.promptId(), r.groupUid(), r.rolloutIndex(),
        ints(r.promptTokenIds()), ints(r.completionTokenIds()), r.oldLogprobs() == null ? null : floats(r.oldLogprobs()),
        r.completionText(), r.status(), r.errorReason(), r.rewardText(), r.rewardVisual(), r.rewardLayout(),
        r.reward(), r.advantage(), r.zeroVariance(), r.policyCheckpoint());
  }

  /**
   * A full shard row in {@link #fullSchema()} order.
   *
   * @param datasetIndex the prompt's position in the step's prompt list (verl's extra_info.index)
   */
  public static Row toFullRow(RolloutRecord rec, int datasetIndex) {
    RolloutRow r = rec.row();
    RolloutDetails d = rec.details();
    List<Object> v = new ArrayList<>(RolloutShardSchema.ALL_COLUMNS.size());
    Row training = toRow(r);
    for (int i = 0; i < training.length(); i++) {
      v.add(training.get(i));
    }
    v.add(d.promptText());
    v.add(d.split());
    v.add(d.difficulty());
    v.add(d.extractedCode());
    v.add(d.codeExtraction());
    v.add(d.finishReason());
    v.add(d.exceptionType());
    v.add(d.errorLine());
    v.add(d.stderrTail().isEmpty() ? "NONE" : String.join("\n", d.stderrTail()));
    v.add(d.renderSharedWith());
    v.add(d.codeBleu());
    v.add(d.codeBertCosine());
    v.add(d.syntaxError());
    v.add(d.astEditDistance());
    v.add(d.visualContent());
    v.add(d.visualColour());
    v.add(d.visualStudy());
    v.add(d.clipPart());
    v.add(d.visualMethod());
    v.add(d.candidateFrames());
    v.add(d.referenceFrames());
    v.add(d.sampleSeconds());
    v.add(d.renderSeconds());
    v.add(d.rewardSeconds());
    v.add(d.policyId());
    v.add(d.manimVersion());
    v.add(d.seed());
    v.add(d.trainerReproducible());
    v.add(d.droppedByFilter());
    // verl
    v.add(RolloutShardSchema.DATA_SOURCE_VALUE);
    List<Row> chat = new ArrayList<>();
    if (d.promptText() != null && !d.promptText().isBlank()) {
      for (ChatPrompt.Message m : ChatPrompt.messages(d.promptText())) {
        chat.add(RowFactory.create(m.role(), m.content()));
      }
    }
    v.add(CollectionConverters.asScala(chat).toList());
    v.add(RolloutShardSchema.ABILITY_VALUE);
    v.add(RowFactory.create(RolloutShardSchema.REWARD_STYLE, d.referenceCode()));
    v.add(RowFactory.create(d.split(), datasetIndex, r.promptId(), r.groupUid(), r.rolloutIndex(), r.runId(), r.step(),
        d.difficulty()));
    if (v.size() != RolloutShardSchema.ALL_COLUMNS.size()) {
      throw new IllegalStateException(v.size() + " values for " + RolloutShardSchema.ALL_COLUMNS.size() + " columns");
    }
    return RowFactory.create(v.toArray());
  }

  /** The rollout a Spark row holds; columns are looked up by name, so extra columns are ignored. */
  public static RolloutRow fromRow(Row row) {
    return new RolloutRow(row.getAs(RolloutShardSchema.RUN_ID), RolloutShardSparkSchema.<Integer>required(row, RolloutShardSchema.STEP),
        row.getAs(RolloutShardSchema.PROMPT_ID), row.getAs(RolloutShardSchema.GROUP_UID),
        RolloutShardSparkSchema.<Integer>required(row, RolloutShardSchema.ROLLOUT_INDEX),
        toInts(row, RolloutShardSchema.PROMPT_TOKEN_IDS), toInts(row, RolloutShardSchema.COMPLETION_TOKEN_IDS),
        toFloats(row, RolloutShardSchema.OLD_LOGPROBS), row.getAs(RolloutShardSchema.COMPLETION_TEXT),
        row.getAs(RolloutShardSchema.STATUS), row.getAs(RolloutShardSchema.ERROR_REASON),
        row.getAs(RolloutShardSchema.REWARD_TEXT), row.getAs(RolloutShardSchema.REWARD_VISUAL),
        row.getAs(RolloutShardSchema.REWARD_LAYOUT), RolloutShardSparkSchema.<Double>required(row, RolloutShardSchema.REWARD),
        RolloutShardSparkSchema.<Double>required(row, RolloutShardSchema.ADVANTAGE), RolloutShardSparkSchema.<Boolean>required(row, RolloutShardSchema.ZERO_VARIANCE),
        row.getAs(RolloutShardSchema.POLICY_CHECKPOINT));
  }

  // A null in a primitive column would otherwise surface as an unnamed NullPointerException.
  private static <T> T required(Row row, String field) {
    T v = row.getAs(field);
    if (v == null) {
      throw new RolloutRow.InvalidRolloutRowException(field, "is null; the column is not nullable");
    }
    return v;
  }

  private static StructType build(List<RolloutColumn> columns) {
    StructType s = new StructType();
    for (RolloutColumn c : columns) {
      s = s.add(c.name(), sparkType(c.type()), c.nullable(), c.doc());
    }
    return s;
  }

  // Spark's Row holds arrays as Scala Seqs (what its row encoder accepts for ArrayType).
  private static scala.collection.immutable.Seq<Integer> ints(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int v : a) {
      l.add(v);
    }
    return CollectionConverters.asScala(l).toList();
  }

  private static scala.collection.immutable.Seq<Float> floats(float[] a) {
    List<Float> l = new ArrayList<>(a.length);
    for (float v : a) {
      l.add(v);
    }
    return CollectionConverters.asScala(l).toList();
  }

  private static int[] toInts(Row row, String field) {
    int i = row.fieldIndex(field);
    if (row.isNullAt(i)) {
      return null;
    }
    List<Integer> l = row.getList(i);
    int[] out = new int[l.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = l.get(k);
    }
    return out;
  }

  private static float[] toFloats(Row row, String field) {
    int i = row.fieldIndex(field);
    if (row.isNullAt(i)) {
      return null;
    }
    List<Float> l = row.getList(i);
    float[] out = new float[l.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = l.get(k);
    }
    return out;
  }
}
