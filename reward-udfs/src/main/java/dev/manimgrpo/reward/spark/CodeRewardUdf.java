package dev.manimgrpo.reward.spark;

import dev.manimgrpo.reward.code.CodeReference;
import dev.manimgrpo.reward.code.CodeReward;
import dev.manimgrpo.reward.code.CodeRewardCalculator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code code_reward(candidate STRING, reference STRING)}: R_text and every part of it as a
 * struct (CodeBLEU and its four parts, the syntax-error flag, the AST edit distance, the
 * CodeBERT cosine and CodeBERTBLEU when a model is configured, else null). A null candidate
 * counts as empty code. The calculator (and the ONNX session, when configured) is built once
 * per executor JVM; prepared references are cached, since a group's G rollouts share one.
 */
public final class CodeRewardUdf implements UDF2<String, String, Row> {

  private static final long serialVersionUID = 1L;
  private static final int REFERENCE_CACHE = 512;
  private static final Map<String, CodeReference> REFERENCES = new ConcurrentHashMap<>();

  public static final StructType RETURN_TYPE = new StructType()
      .add("text_reward", DataTypes.DoubleType, false)
      .add("codebleu", DataTypes.DoubleType, false)
      .add("bleu", DataTypes.DoubleType, false)
      .add("weighted_ngram", DataTypes.DoubleType, false)
      .add("syntax_match", DataTypes.DoubleType, false)
      .add("dataflow_match", DataTypes.DoubleType, false)
      .add("reference_has_dataflow", DataTypes.BooleanType, false)
      .add("syntax_error", DataTypes.BooleanType, false)
      .add("ast_edit_distance", DataTypes.DoubleType, false)
      .add("ast_edit_distance_exact", DataTypes.BooleanType, false)
      .add("codebert_cosine", DataTypes.DoubleType, true)
      .add("codebert_bleu", DataTypes.DoubleType, true);

  private final String codebertModel;

  /** @param codebertModel folder of an ONNX CodeBERT, or "" for none */
  public CodeRewardUdf(String codebertModel) {
    this.codebertModel = codebertModel == null ? "" : codebertModel;
  }

  @Override
  public Row call(String candidate, String reference) {
    if (reference == null) {
      return null;
    }
    CodeRewardCalculator calc = dev.manimgrpo.reward.rollout.RewardModels.codeCalculator(codebertModel);
    String key = codebertModel + "\u0000" + reference;
    CodeReference ref = REFERENCES.get(key);
    if (ref == null) {
      if (REFERENCES.size() >= REFERENCE_CACHE) {
        REFERENCES.clear();
      }
      ref = calc.prepare(reference);
      REFERENCES.put(key, ref);
    }
    CodeReward r = calc.score(ref, candidate == null ? "" : candidate);
    return RowFactory.create(r.textReward(), r.codeBleu(), r.bleu(), r.weightedNgram(), r.syntaxMatch(),
        r.dataflowMatch(), r.referenceHasDataflow(), r.syntaxError(), r.astEditDistance(), r.astEditDistanceExact(),
        r.codeBertCosine(), r.codeBertBleu());
  }

}
