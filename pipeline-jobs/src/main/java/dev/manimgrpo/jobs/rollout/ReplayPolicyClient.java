package dev.manimgrpo.jobs.rollout;

import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * The completions of an earlier shard, replayed by (prompt id, rollout index): the rollout job then
 * renders and scores them again, with today's reward, Manim and sandbox, and the pipeline can be
 * measured without sampling's cost. Read once per executor with parquet-hadoop (no Spark session
 * exists in an executor's task). A prompt or index the shard lacks becomes a failed generation.
 */
public final class ReplayPolicyClient implements PolicyClient {

  private record Key(String promptId, int index) {}

  private final Map<Key, Generation> completions;
  private final Map<String, ExtractedCode> extracted;
  private final String id;
  private final boolean reproducible;

  private ReplayPolicyClient(Map<Key, Generation> completions, Map<String, ExtractedCode> extracted, String id,
      boolean reproducible) {
    this.completions = completions;
    this.extracted = extracted;
    this.id = id;
    this.reproducible = reproducible;
  }

  /** Reads the part files of a (run, step) folder. */
  public static ReplayPolicyClient load(String shard, Configuration conf) {
    Map<Key, Generation> m = new HashMap<>();
    Map<String, ExtractedCode> codes = new HashMap<>();
    String policy = null;
    boolean reproducible = true;
    try {
      Path dir = new Path(RolloutJob.uri(shard));
      FileSystem fs = dir.getFileSystem(conf);
      List<Path> files = new ArrayList<>();
      for (FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        if (f.isFile() && name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".")) {
          files.add(f.getPath());
        }
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("policy.replay-shard " + shard + " holds no Parquet files: point it at a"
            + " rollout shard's (run, step) folder, e.g. outputs/rollouts/run_id=r1/step=0");
      }
      for (Path f : files) {
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf).build()) {
          for (Group g = r.read(); g != null; g = r.read()) {
            String status = g.getString(RolloutShardSchema.STATUS, 0);
            if (RolloutShardSchema.SAMPLING_ERROR.equals(status)) {
              continue;
            }
            int index = g.getInteger(RolloutShardSchema.ROLLOUT_INDEX, 0);
            Generation gen = new Generation(index, optionalLong(g, RolloutShardSchema.SEED),
                g.getString(RolloutShardSchema.COMPLETION_TEXT, 0), ints(g, RolloutShardSchema.PROMPT_TOKEN_IDS),
                ints(g, RolloutShardSchema.COMPLETION_TOKEN_IDS), floats(g, RolloutShardSchema.OLD_LOGPROBS),
                optionalString(g, RolloutShardSchema.FINISH_REASON), null, 0.0);
            m.put(new Key(g.getString(RolloutShardSchema.PROMPT_ID, 0), index), gen);
            // The program as the original backend extracted it (its own template or a fenced answer).
            String code = optionalString(g, RolloutShardSchema.EXTRACTED_CODE);
            String method = optionalString(g, RolloutShardSchema.CODE_EXTRACTION);
            if (code != null && method != null) {
              codes.put(gen.text(), new ExtractedCode(code,
                  ExtractedCode.Method.valueOf(method.toUpperCase(java.util.Locale.ROOT))));
            }
            if (policy == null) {
              policy = optionalString(g, RolloutShardSchema.POLICY_ID);
            }
            reproducible &= !Boolean.FALSE.equals(optionalBool(g, RolloutShardSchema.TRAINER_REPRODUCIBLE));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy.replay-shard " + shard + ": " + e.getMessage(), e);
    }
    return new ReplayPolicyClient(m, codes, "replay:" + (policy == null ? shard : policy), reproducible);
  }

  @Override
  public String policyId() {
    return id;
  }

  @Override
  public boolean trainerReproducible() {
    return reproducible;
  }

  @Override
  public ExtractedCode extractCode(String completionText) {
    ExtractedCode c = extracted.get(completionText);
    return c != null ? c : PolicyClient.super.extractCode(completionText);
  }

  @Override
  public List<Generation> generate(GroupRequest request) {
    List<Generation> out = new ArrayList<>();
    for (int i : request.rolloutIndices()) {
      Generation g = completions.get(new Key(request.promptId(), i));
      out.add(g != null ? g : Generation.failed(i, request.seed(i), "the replayed shard has no completion for prompt "
          + request.promptId() + " rollout " + i, 0));
    }
    return out;
  }

  private static boolean has(Group g, String field) {
    return g.getType().containsField(field) && g.getFieldRepetitionCount(field) > 0;
  }

  private static String optionalString(Group g, String field) {
    return has(g, field) ? g.getString(field, 0) : null;
  }

  private static Boolean optionalBool(Group g, String field) {
    return has(g, field) ? g.getBoolean(field, 0) : null;
  }

  private static long optionalLong(Group g, String field) {
    return has(g, field) ? g.getLong(field, 0) : 0L;
  }

  /** A Spark list column: {@code group (LIST) { repeated group list { element } }}. */
  private static int[] ints(Group g, String field) {
    if (!has(g, field)) {
      return null;
    }
    Group list = g.getGroup(field, 0);
    int n = list.getFieldRepetitionCount(0);
    int[] out = new int[n];
    for (int k = 0; k < n; k++) {
      out[k] = list.getGroup(0, k).getInteger(0, 0);
    }
    return out;
  }

  private static float[] floats(Group g, String field) {
    if (!has(g, field)) {
      return null;
    }
    Group list = g.getGroup(field, 0);
    int n = list.getFieldRepetitionCount(0);
    float[] out = new float[n];
    for (int k = 0; k < n; k++) {
      out[k] = list.getGroup(0, k).getFloat(0, 0);
    }
    return out;
  }
}
