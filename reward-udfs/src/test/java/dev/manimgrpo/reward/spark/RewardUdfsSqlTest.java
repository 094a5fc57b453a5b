package dev.manimgrpo.reward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RewardConfig.Advantage;
import dev.manimgrpo.reward.advantage.AdvantageEstimators;
import dev.manimgrpo.reward.spark.GroupAdvantages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import dev.manimgrpo.reward.visual.VisualSimilarityOptions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The UDFs called from Spark SQL text, and window-function advantages against the pure ones. */
class RewardUdfsSqlTest {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("reward-udfs-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    RewardUdfs.register(spark, PipelineConfig.defaults().reward());
    StructType schema = new StructType()
        .add("uid", DataTypes.StringType).add("rollout", DataTypes.IntegerType)
        .add("text_reward", DataTypes.DoubleType).add("visual_reward", DataTypes.DoubleType)
        .add("rendered", DataTypes.BooleanType);
    List<Row> rows = List.of(
        RowFactory.create("p1", 0, 0.5, 0.9, true),
        RowFactory.create("p1", 1, 0.4, 0.0, false),
        RowFactory.create("p1", 2, 0.8, 0.7, true),
        RowFactory.create("p1", 3, 0.1, 0.2, true),
        RowFactory.create("p2", 0, 0.3, 0.3, true),
        RowFactory.create("p2", 1, 0.3, 0.3, true),
        RowFactory.create("p3", 0, 0.9, 0.9, true));
    spark.createDataFrame(rows, schema).createOrReplaceTempView("rollouts");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void fusedRewardFromSqlText() {
    List<Row> out = spark.sql("SELECT uid, rollout, fused_reward(text_reward, visual_reward, NULL, rendered) AS r "
        + "FROM rollouts ORDER BY uid, rollout").collectAsList();
    assertThat(out).hasSize(7);
    Row first = out.get(0).getStruct(2);
    assertThat(first.getDouble(0)).isCloseTo(0.2 * 0.5 + 0.8 * 0.9, offset(1e-12));
    assertThat(first.<String>getAs("fusion")).isEqualTo("arithmetic");
    Row failed = out.get(1).getStruct(2);
    assertThat(failed.<Double>getAs("reward")).isCloseTo(0.2 * 0.4, offset(1e-12));
    assertThat(failed.<Boolean>getAs("rendered")).isFalse();
    assertThat(spark.sql("SELECT fused_reward(NULL, NULL, NULL, NULL).reward").first().getDouble(0)).isZero();
  }

  @Test
  void codeRewardFromSqlText() {
    String ref = "from manim import *\n\nclass A(Scene):\n    def construct(self):\n        c = Circle(color=BLUE)\n        self.play(Create(c))\n        self.wait(1)\n";
    String near = ref.replace("BLUE", "RED");
    String broken = "from manim import *\nclass A(Scene:\n    pass\n";
    spark.createDataFrame(List.of(RowFactory.create(ref, ref), RowFactory.create(near, ref), RowFactory.create(broken, ref),
            RowFactory.create(null, ref)),
        new StructType().add("candidate", DataTypes.StringType).add("reference", DataTypes.StringType))
        .createOrReplaceTempView("codes");
    List<Row> out = spark.sql("SELECT code_reward(candidate, reference) AS r FROM codes").collectAsList();
    Row same = out.get(0).getStruct(0);
    assertThat(same.<Double>getAs("text_reward")).isCloseTo(1.0, offset(1e-9));
    assertThat(same.<Double>getAs("codebert_cosine")).isNull(); // no model configured: absent, not invented
    Row close = out.get(1).getStruct(0);
    assertThat(close.<Double>getAs("text_reward")).isBetween(0.5, 0.999);
    Row bad = out.get(2).getStruct(0);
    assertThat(bad.<Boolean>getAs("syntax_error")).isTrue();
    assertThat(bad.<Double>getAs("text_reward")).isLessThan(close.<Double>getAs("text_reward"));
    assertThat(out.get(3).getStruct(0).<Double>getAs("text_reward")).isZero();
  }

  /** {@code n} frames of 160x90: a white square sliding right, or nothing when {@code blank}. */
  static byte[] squareVideo(int n, boolean blank) {
    byte[] g = new byte[n * 160 * 90];
    if (!blank) {
      for (int f = 0; f < n; f++) {
        for (int y = 30; y < 60; y++) {
          for (int x = 20 + 8 * f; x < 50 + 8 * f; x++) {
            g[f * 160 * 90 + y * 160 + x] = (byte) 230;
          }
        }
      }
    }
    return g;
  }

  @Test
  void visualSimilarityFromSqlText() {
    StructType schema = new StructType().add("name", DataTypes.StringType)
        .add("cand", DataTypes.BinaryType).add("ref", DataTypes.BinaryType);
    byte[] ref = squareVideo(10, false);
    spark.createDataFrame(List.of(RowFactory.create("same", ref, ref), RowFactory.create("blank", squareVideo(10, true), ref),
        RowFactory.create("failed", null, ref)), schema).createOrReplaceTempView("videos");
    // The study's vs_study is off by default (reward.visual.study); a second registration turns it on.
    spark.udf().register("visual_similarity_study", new VisualSimilarityUdf("",
        VisualSimilarityOptions.defaults().withStudy(true)), VisualSimilarityUdf.RETURN_TYPE);
    List<Row> out = spark.sql("SELECT name, visual_similarity_study(cand, 160, 90, ref, 160, 90) AS v,"
            + " visual_similarity(cand, 160, 90, ref, 160, 90) AS d FROM videos ORDER BY name")
        .collectAsList();
    Row blank = out.get(0).getStruct(1);
    Row failed = out.get(1).getStruct(1);
    Row same = out.get(2).getStruct(1);
    for (Row r : out) {
      assertThat(r.getStruct(2).<Double>getAs("vs_study")).isNull();
      assertThat(r.getStruct(2).<Double>getAs("visual_reward")).isEqualTo(r.getStruct(1).<Double>getAs("visual_reward"));
    }
    assertThat(same.<Double>getAs("visual_reward")).isCloseTo(1.0, offset(1e-9));
    assertThat(same.<Double>getAs("clip_part")).isNull(); // no model configured: absent, not invented
    assertThat(blank.<Double>getAs("visual_reward")).isLessThan(0.2);
    assertThat(blank.<Double>getAs("vs_study")).isGreaterThan(blank.<Double>getAs("visual_reward"));
    assertThat(failed.<Double>getAs("visual_reward")).isZero();
    assertThat(failed.<String>getAs("method")).isEqualTo("failed-render");
  }

  /** The square video of {@link #squareVideo} in colour, three planes per frame (Y, Cb, Cr). */
  static byte[] colouredSquareVideo(int n, int cb, int cr) {
    byte[] luma = squareVideo(n, false);
    int px = 160 * 90;
    byte[] out = new byte[3 * luma.length];
    for (int f = 0; f < n; f++) {
      System.arraycopy(luma, f * px, out, 3 * f * px, px);
      for (int p = 0; p < px; p++) {
        boolean ink = luma[f * px + p] != 0;
        out[(3 * f + 1) * px + p] = (byte) (ink ? cb : 128);
        out[(3 * f + 2) * px + p] = (byte) (ink ? cr : 128);
      }
    }
    return out;
  }

  @Test
  void visualSimilarityYuvSeesColourFromSql() {
    StructType schema = new StructType().add("cand", DataTypes.BinaryType).add("ref", DataTypes.BinaryType)
        .add("cand_luma", DataTypes.BinaryType).add("ref_luma", DataTypes.BinaryType);
    // Manim's BLUE (Cb 159, Cr 89) against its GREEN (Cb 94, Cr 106), of about the same luma.
    spark.createDataFrame(List.of(RowFactory.create(colouredSquareVideo(10, 94, 106), colouredSquareVideo(10, 159, 89),
        squareVideo(10, false), squareVideo(10, false))), schema).createOrReplaceTempView("coloured");
    Row r = spark.sql("SELECT visual_similarity_yuv(cand, 160, 90, ref, 160, 90) AS c,"
        + " visual_similarity(cand_luma, 160, 90, ref_luma, 160, 90) AS g FROM coloured").collectAsList().get(0);
    assertThat(r.getStruct(0).<Double>getAs("colour")).isLessThan(0.2);
    assertThat(r.getStruct(0).<Double>getAs("visual_reward")).isLessThan(0.7);
    assertThat(r.getStruct(1).<Double>getAs("colour")).isNull();
    assertThat(r.getStruct(1).<Double>getAs("visual_reward")).isCloseTo(1.0, offset(1e-9));
  }

  @Test
  void windowAdvantagesMatchThePureFunctions() {
    Dataset<Row> fused = spark.sql("SELECT uid, rollout, fused_reward(text_reward, visual_reward, NULL, rendered).reward AS reward FROM rollouts");
    for (Advantage a : Advantage.values()) {
      List<Row> rows = GroupAdvantages.withAdvantages(fused, "uid", "reward", a, 1e-6).orderBy("uid", "rollout").collectAsList();
      Map<String, List<Double>> rewards = new HashMap<>();
      for (Row r : rows) {
        rewards.computeIfAbsent(r.getAs("uid"), k -> new ArrayList<>()).add(r.getAs("reward"));
      }
      Map<String, Integer> seen = new HashMap<>();
      for (Row r : rows) {
        String uid = r.getAs("uid");
        double[] group = rewards.get(uid).stream().mapToDouble(Double::doubleValue).toArray();
        int i = seen.merge(uid, 1, Integer::sum) - 1;
        double expected = AdvantageEstimators.compute(a, group, 1e-6)[i];
        assertThat(r.<Double>getAs("advantage")).as(a + " " + uid + " " + i).isCloseTo(expected, offset(1e-9));
        assertThat(r.<Boolean>getAs("zero_variance")).isEqualTo(AdvantageEstimators.zeroVariance(group));
      }
    }
    List<Row> flags = GroupAdvantages.withAdvantages(fused, "uid", "reward", Advantage.GRPO, 1e-6)
        .select("uid", "zero_variance", "group_size").distinct().orderBy("uid").collectAsList();
    assertThat(flags).extracting(r -> r.getString(0) + ":" + r.getBoolean(1) + ":" + r.getLong(2))
        .containsExactly("p1:false:4", "p2:true:2", "p3:true:1");
  }
}
