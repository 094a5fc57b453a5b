package dev.manimgrpo.jobs;

import dev.manimgrpo.core.render.RenderResult;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code reference_renders} table: one row per sample of a run, whatever happened to its
 * render. Schema and row mapping live together here.
 */
public final class ReferenceRenderRows {

  /** Input rows of the job: one sample each. */
  public static final StructType INPUT = new StructType()
      .add("sample_id", DataTypes.StringType, false)
      .add("type", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("code", DataTypes.StringType, false);

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("sample_id", DataTypes.StringType, false)
      .add("type", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("scene", DataTypes.StringType, true)
      .add("status", DataTypes.StringType, false)
      .add("exception_type", DataTypes.StringType, true)
      .add("error_line", DataTypes.IntegerType, true)
      .add("message", DataTypes.StringType, false)
      .add("stderr_tail", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("duration_s", DataTypes.DoubleType, false)
      .add("frame_count", DataTypes.IntegerType, false)
      .add("frame_width", DataTypes.IntegerType, false)
      .add("frame_height", DataTypes.IntegerType, false)
      .add("sample_fps", DataTypes.DoubleType, false)
      .add("layout_score", DataTypes.DoubleType, true)
      .add("render_s", DataTypes.DoubleType, false)
      .add("wall_s", DataTypes.DoubleType, false)
      .add("cached", DataTypes.BooleanType, false)
      .add("cache_key", DataTypes.StringType, false)
      .add("manim_version", DataTypes.StringType, false)
      .add("rendered_at", DataTypes.TimestampType, false);

  private ReferenceRenderRows() {}

  public static Row toRow(String runId, Row input, RenderResult r, String cacheKey, boolean cached, double fps) {
    return RowFactory.create(runId, input.getString(0), input.getString(1), input.getString(2), r.sceneName(),
        r.status().wireName(), r.exceptionType(), r.errorLine(), r.message(),
        scala.jdk.javaapi.CollectionConverters.asScala(r.stderrTail()).toSeq(),
        r.durationSeconds(), r.frames() == null ? 0 : r.frames().count(),
        r.frames() == null ? 0 : r.frames().width(), r.frames() == null ? 0 : r.frames().height(), fps,
        r.layout() == null ? null : r.layout().score(), r.renderSeconds(), r.wallSeconds(), cached, cacheKey, r.manimVersion(), new Timestamp(System.currentTimeMillis()));
  }
}
