package dev.manimgrpo.core.rollout;

import java.util.Objects;

/**
 * One column of the rollout shard, described without Spark or Parquet types so that both the
 * Spark job and the trainer's Parquet reader derive their schemas from the same list.
 *
 * @param name the column name as written to Parquet
 * @param type its logical type
 * @param nullable whether a row may hold null here (arrays never hold null elements)
 * @param doc what the column means, for humans and error messages
 */
public record RolloutColumn(String name, Type type, boolean nullable, String doc) {

  /** The logical types a rollout column can have. */
  public enum Type {
    STRING("string"),
    INT("int"),
    DOUBLE("double"),
    BOOLEAN("boolean"),
    INT_ARRAY("array<int>"),
    FLOAT_ARRAY("array<float>"),
    LONG("bigint"),
    /** A chat: {@code array<struct<role: string, content: string>>} (verl's {@code prompt}). */
    MESSAGES("array<struct<role:string,content:string>>"),
    /** verl's {@code reward_model}: {@code struct<style: string, ground_truth: string>}. */
    REWARD_MODEL("struct<style:string,ground_truth:string>"),
    /** verl's {@code extra_info}: where the row came from. */
    EXTRA_INFO("struct<split:string,index:int,prompt_id:string,group_uid:string,rollout_index:int,run_id:string,step:int,difficulty:string>");

    private final String sql;

    Type(String sql) {
      this.sql = sql;
    }

    /** The Spark SQL spelling, e.g. {@code array<int>}, used in messages. */
    public String sql() {
      return sql;
    }

    public boolean isArray() {
      return this == INT_ARRAY || this == FLOAT_ARRAY;
    }
  }

  public RolloutColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(doc, "doc");
  }

  @Override
  public String toString() {
    return name + " " + type.sql() + (nullable ? "" : " not null");
  }
}
