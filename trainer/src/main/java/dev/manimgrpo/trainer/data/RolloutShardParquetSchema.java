package dev.manimgrpo.trainer.data;

import dev.manimgrpo.core.rollout.RolloutColumn;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * {@link RolloutShardSchema} mapped to Parquet: the layout Spark writes for it, and the check
 * that a shard file can be read as rollouts. Optional vs required is not checked (Spark makes
 * every column optional after most transformations); nulls are caught row by row instead.
 */
public final class RolloutShardParquetSchema {

  private RolloutShardParquetSchema() {}

  /** The Parquet schema Spark writes for {@code RolloutShardSparkSchema.sparkSchema()} (3-level lists). */
  public static MessageType expected() {
    List<Type> fields = new ArrayList<>();
    for (RolloutColumn c : RolloutShardSchema.COLUMNS) {
      Repetition rep = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
      fields.add(switch (c.type()) {
        case STRING -> new PrimitiveType(rep, PrimitiveTypeName.BINARY, c.name()).withLogicalTypeAnnotation(LogicalTypeAnnotation.stringType());
        case INT -> new PrimitiveType(rep, PrimitiveTypeName.INT32, c.name());
        case DOUBLE -> new PrimitiveType(rep, PrimitiveTypeName.DOUBLE, c.name());
        case BOOLEAN -> new PrimitiveType(rep, PrimitiveTypeName.BOOLEAN, c.name());
        case INT_ARRAY -> list(rep, c.name(), PrimitiveTypeName.INT32);
        case FLOAT_ARRAY -> list(rep, c.name(), PrimitiveTypeName.FLOAT);
        default -> throw new IllegalStateException("column " + c.name() + " is not one the trainer reads");
      });
    }
    return new MessageType("spark_schema", fields);
  }

  /**
   * Checks one file's schema. A column missing from the file is accepted when a partition folder
   * ({@code run_id=...}) supplies it.
   *
   * @throws RolloutShardFormatException naming the file, every bad column and what to do
   */
  static void check(String file, MessageType schema, Map<String, String> partitionValues) {
    List<String> problems = new ArrayList<>();
    for (RolloutColumn c : RolloutShardSchema.COLUMNS) {
      if (!schema.containsField(c.name())) {
        if (!partitionValues.containsKey(c.name())) {
          problems.add("has no column '" + c.name() + "' (" + c.type().sql() + ": " + c.doc() + ")");
        } else if (c.type().isArray() || c.type() == RolloutColumn.Type.DOUBLE) {
          problems.add("takes column '" + c.name() + "' from a partition folder, which cannot hold " + c.type().sql());
        }
        continue;
      }
      Type t = schema.getType(c.name());
      String why = mismatch(c.type(), t);
      if (why != null) {
        problems.add("column '" + c.name() + "' is '" + oneLine(t) + "' but the rollout shard wants "
            + c.type().sql() + " (" + parquetSpelling(c.type()) + "): " + why);
      }
    }
    if (!problems.isEmpty()) {
      List<String> present = schema.getFields().stream().map(Type::getName).toList();
      throw new RolloutShardFormatException("rollout shard file " + file + " does not match RolloutShardSchema:\n  "
          + String.join("\n  ", problems) + "\nThe file has columns " + present + ". Write shards with "
          + "RolloutShardSparkSchema.sparkSchema() (cast or add the columns named), or re-run the rollout job "
          + "that wrote this shard with the current code.");
    }
  }

  /** Why a Parquet field cannot hold the logical type, or null when it can. */
  static String mismatch(RolloutColumn.Type want, Type t) {
    if (t.isRepetition(Repetition.REPEATED)) {
      return "a bare repeated field; write it as a Spark array column";
    }
    return switch (want) {
      case STRING -> primitive(t, PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType());
      case INT -> primitive(t, PrimitiveTypeName.INT32, LogicalTypeAnnotation.intType(32, true));
      case DOUBLE -> primitive(t, PrimitiveTypeName.DOUBLE, null);
      case BOOLEAN -> primitive(t, PrimitiveTypeName.BOOLEAN, null);
      case INT_ARRAY -> list(t, PrimitiveTypeName.INT32, LogicalTypeAnnotation.intType(32, true));
      case FLOAT_ARRAY -> list(t, PrimitiveTypeName.FLOAT, null);
      default -> "not a type the trainer reads";
    };
  }

  /**
   * The element field of a Parquet list: Spark's standard 3-level {@code group (LIST) { repeated
   * group list { element } }}, its legacy spelling with other names, or the 2-level
   * {@code group (LIST) { repeated int32 array }} some other writers use.
   */
  static Type listElement(GroupType list) {
    Type repeated = list.getType(0);
    return repeated.isPrimitive() ? repeated : repeated.asGroupType().getType(0);
  }

  /** True for the 2-level layout, where the repeated field is the element itself. */
  static boolean isTwoLevel(GroupType list) {
    return list.getType(0).isPrimitive();
  }

  private static String list(Type t, PrimitiveTypeName element, LogicalTypeAnnotation allowed) {
    if (t.isPrimitive()) {
      return "not a list";
    }
    GroupType g = t.asGroupType();
    if (!(g.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
      return "a group without the LIST annotation (a struct?)";
    }
    if (g.getFieldCount() != 1 || !g.getType(0).isRepetition(Repetition.REPEATED)) {
      return "a LIST group without exactly one repeated field";
    }
    Type repeated = g.getType(0);
    if (!repeated.isPrimitive() && repeated.asGroupType().getFieldCount() != 1) {
      return "a list of structs, not of numbers";
    }
    Type e = listElement(g);
    if (!repeated.isPrimitive() && e.isRepetition(Repetition.REPEATED)) {
      return "a list of lists";
    }
    String why = primitive(e, element, allowed);
    return why == null ? null : "its elements are '" + oneLine(e) + "': " + why;
  }

  private static String primitive(Type t, PrimitiveTypeName want, LogicalTypeAnnotation allowed) {
    if (!t.isPrimitive()) {
      return "a group, not a single value";
    }
    PrimitiveType p = t.asPrimitiveType();
    if (p.getPrimitiveTypeName() != want) {
      return "physical type " + p.getPrimitiveTypeName() + ", expected " + want;
    }
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    if (a != null && !a.equals(allowed)) {
      return "annotated " + a + ", expected " + (allowed == null ? "no annotation" : allowed);
    }
    return null;
  }

  /** Parquet's printed type on one line, for messages. */
  static String oneLine(Type t) {
    return t.toString().replaceAll("\\s+", " ").strip();
  }

  private static String parquetSpelling(RolloutColumn.Type type) {
    return switch (type) {
      case STRING -> "Parquet binary (STRING)";
      case INT -> "Parquet int32";
      case DOUBLE -> "Parquet double";
      case BOOLEAN -> "Parquet boolean";
      case INT_ARRAY -> "Parquet LIST of int32";
      case FLOAT_ARRAY -> "Parquet LIST of float";
      default -> type.sql();
    };
  }

  private static GroupType list(Repetition rep, String name, PrimitiveTypeName element) {
    return Types.buildGroup(rep).as(LogicalTypeAnnotation.listType())
        .addField(Types.repeatedGroup().addField(new PrimitiveType(Repetition.REQUIRED, element, "element")).named("list"))
        .named(name);
  }
}
