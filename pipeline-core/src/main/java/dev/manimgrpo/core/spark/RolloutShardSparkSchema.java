package dev.manimgrpo.core.spark;

import dev.manimgrpo.core.rollout.RolloutColumn;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import static dev.manimgrpo.core.rollout.RolloutShardSchema.COLUMNS;

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

  private static final StructType SCHEMA = build();

  private RolloutShardSparkSchema() {}

  /** The shard's Spark schema, columns in {@link RolloutShardSchema#COLUMNS} order. */
  public static StructType sparkSchema() {
    return SCHEMA;
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
    };
  }

  /** A Spark row in {@link #sparkSchema()} order. */
  public static Row toRow(RolloutRow r) {
    return RowFactory.create(r.runId(), r.step(), r.promptId(), r.groupUid(), r.rolloutIndex(),
        ints(r.promptTokenIds()), ints(r.completionTokenIds()), r.oldLogprobs() == null ? null : floats(r.oldLogprobs()),
        r.completionText(), r.status(), r.errorReason(), r.rewardText(), r.rewardVisual(), r.rewardLayout(),
        r.reward(), r.advantage(), r.zeroVariance(), r.policyCheckpoint());
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

  private static StructType build() {
    StructType s = new StructType();
    for (RolloutColumn c : COLUMNS) {
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
