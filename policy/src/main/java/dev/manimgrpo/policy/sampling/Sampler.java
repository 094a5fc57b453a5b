package dev.manimgrpo.policy.sampling;

import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Samples groups of completions (GRPO's G per prompt) for a batch of prompts with the KV cache.
 *
 * <p>Each prompt is prefilled once and its cache rows repeated G times. Rows that finish are dropped
 * from the batch. Every completion draws from its own random stream seeded by (seed, prompt index,
 * sample index), so results are reproducible and do not depend on which other rows share the batch.
 */
public final class Sampler {

  private final LanguageModel lm;
  private final int eosTokenId;
  private final Function<int[], String> decoder;

  /**
   * @param eosTokenId end-of-sequence id (the tokenizer's special token)
   * @param decoder    ids to text, used only for stop strings; may be null when none are used
   */
  public Sampler(LanguageModel lm, int eosTokenId, Function<int[], String> decoder) {
    this.lm = lm;
    this.eosTokenId = eosTokenId;
    this.decoder = decoder;
  }

  public Sampler(LanguageModel lm, int eosTokenId) {
    this(lm, eosTokenId, null);
  }

  /**
   * A sampler for models that bring their own logits ({@link #sampleGroup(NextLogits, int, int[],
   * long[], SamplingParams)} only).
   */
  public static Sampler forLogitSources(int eosTokenId, Function<int[], String> decoder) {
    return new Sampler(null, eosTokenId, decoder);
  }

  /** {@code groupSize} completions of one prompt. */
  public List<Completion> sample(ModelParameters p, int[] prompt, int groupSize,
      SamplingParams params) {
    return sample(p, new int[][] {prompt}, groupSize, params).get(0);
  }

  /** For each prompt, {@code groupSize} completions, using the KV cache. */
  public List<List<Completion>> sample(ModelParameters p, int[][] prompts, int groupSize,
      SamplingParams params) {
    return generate(p.config().contextLength(), prompts, groupSize, params, null, new CachedLogits(lm, p));
  }

  /**
   * One group of completions of one prompt, completion {@code g} drawing from its own random
   * stream seeded by {@code seeds[g]} (not by its position), using the KV cache. The rollout job
   * samples every group alone, so a completion depends on its seed and its group, never on which
   * other prompts share a batch.
   */
  public List<Completion> sampleGroup(ModelParameters p, int[] prompt, long[] seeds, SamplingParams params) {
    return generate(p.config().contextLength(), new int[][] {prompt}, seeds.length, params, seeds,
        new CachedLogits(lm, p)).get(0);
  }

  /**
   * {@link #sampleGroup(ModelParameters, int[], long[], SamplingParams)} for a model this sampler
   * does not compute itself: its logits come from {@code source} (a Hugging Face model's KV-cached
   * decoding), with the same seeds, filters and stopping rules.
   *
   * @param contextLength the model's longest sequence: a completion stops there
   */
  public List<Completion> sampleGroup(NextLogits source, int contextLength, int[] prompt, long[] seeds,
      SamplingParams params) {
    return generate(contextLength, new int[][] {prompt}, seeds.length, params, seeds, source).get(0);
  }

  /**
   * The same results without the KV cache: every step re-runs each whole sequence. Quadratically
   * slower; it exists as a reference for tests and to measure what the cache saves.
   */
  public List<List<Completion>> sampleWithoutCache(ModelParameters p, int[][] prompts,
      int groupSize, SamplingParams params) {
    return generate(p.config().contextLength(), prompts, groupSize, params, null, new RecomputedLogits(lm, p));
  }

  /** @param rowSeeds one seed per completion, or null to derive them from the params' seed and the row */
  private List<List<Completion>> generate(int context, int[][] prompts, int groupSize,
      SamplingParams params, long[] rowSeeds, NextLogits source) {
    if (groupSize < 1) {
      throw new IllegalArgumentException("groupSize must be >= 1, got " + groupSize);
    }
    if (!params.stopStrings().isEmpty() && decoder == null) {
      throw new IllegalArgumentException("stop strings need a Sampler built with a decoder");
    }
    int rows = prompts.length * groupSize;
    int[] limit = new int[rows];
    int longestRun = 0;
    for (int i = 0; i < prompts.length; i++) {
      if (prompts[i].length == 0 || prompts[i].length >= context) {
        throw new IllegalArgumentException("prompt " + i + " has " + prompts[i].length
            + " tokens; it needs 1 to " + (context - 1) + " to leave room for a completion");
      }
      int l = Math.min(params.maxTokens(), context - prompts[i].length);
      for (int g = 0; g < groupSize; g++) {
        limit[i * groupSize + g] = l;
      }
      longestRun = Math.max(longestRun, l);
    }

    List<RowState> states = new ArrayList<>(rows);
    if (rowSeeds != null && rowSeeds.length != rows) {
      throw new IllegalArgumentException(rowSeeds.length + " seeds for " + rows + " completions");
    }
    for (int r = 0; r < rows; r++) {
      long seed = rowSeeds != null ? rowSeeds[r]
          : params.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (r + 1);
      states.add(new RowState(limit[r], new SplittableRandom(seed)));
    }
    int[] active = new int[rows]; // batch row -> completion index
    for (int r = 0; r < rows; r++) {
      active[r] = r;
    }
    float[][] logits = toRows(source.start(prompts, groupSize, longestRun));
    while (true) {
      int[] chosen = new int[active.length];
      int stillActive = 0;
      for (int i = 0; i < active.length; i++) {
        RowState s = states.get(active[i]);
        chosen[i] = choose(logits[i], params, s);
        if (!finish(s, params)) {
          stillActive++;
        }
      }
      if (stillActive == 0) {
        break;
      }
      int[] keep = new int[stillActive];
      int[] nextActive = new int[stillActive];
      int[] nextTokens = new int[stillActive];
      for (int i = 0, j = 0; i < active.length; i++) {
        if (states.get(active[i]).reason == null) {
          keep[j] = i;
          nextActive[j] = active[i];
          nextTokens[j] = chosen[i];
          j++;
        }
      }
      if (stillActive < active.length) {
        source.keepRows(keep);
      }
      active = nextActive;
      logits = toRows(source.next(nextTokens));
    }

    List<List<Completion>> out = new ArrayList<>(prompts.length);
    for (int i = 0; i < prompts.length; i++) {
      List<Completion> group = new ArrayList<>(groupSize);
      for (int g = 0; g < groupSize; g++) {
        group.add(states.get(i * groupSize + g).toCompletion());
      }
      out.add(group);
    }
    return out;
  }

  /** Picks the next token, recording it and its temperature-1 log-probability. */
  private static int choose(float[] logits, SamplingParams params, RowState s) {
    int token;
    if (params.temperature() == 0) {
      token = LogitFilter.argmax(logits);
    } else {
      double[] probs = LogitFilter.probabilities(logits, params.temperature(), params.topP(),
          params.minP());
      token = LogitFilter.draw(probs, s.random.nextDouble());
    }
    s.add(token, (float) LogitFilter.logSoftmax(logits)[token]);
    return token;
  }

  /** Sets the finish reason if the row just ended; returns whether it has. */
  private boolean finish(RowState s, SamplingParams params) {
    int last = s.tokens[s.length - 1];
    if (last == eosTokenId) {
      s.reason = FinishReason.EOS;
    } else if (endsWithStopTokens(s, params) || containsStopString(s, params)) {
      s.reason = FinishReason.STOP;
    } else if (s.length >= s.limit) {
      s.reason = FinishReason.LENGTH;
    }
    return s.reason != null;
  }

  private static boolean endsWithStopTokens(RowState s, SamplingParams params) {
    for (int[] stop : params.stopTokenSequences()) {
      if (stop.length <= s.length && Arrays.equals(s.tokens, s.length - stop.length, s.length,
          stop, 0, stop.length)) {
        return true;
      }
    }
    return false;
  }

  private boolean containsStopString(RowState s, SamplingParams params) {
    if (params.stopStrings().isEmpty()) {
      return false;
    }
    String text = decoder.apply(Arrays.copyOf(s.tokens, s.length));
    for (String stop : params.stopStrings()) {
      if (text.contains(stop)) {
        return true;
      }
    }
    return false;
  }

  private static float[][] toRows(INDArray logits) {
    return logits.castTo(DataType.FLOAT).toFloatMatrix();
  }

  /** One completion being generated. */
  private static final class RowState {
    final int limit;
    final SplittableRandom random;
    final int[] tokens;
    final float[] logProbs;
    int length;
    FinishReason reason;

    RowState(int limit, SplittableRandom random) {
      this.limit = limit;
      this.random = random;
      this.tokens = new int[limit];
      this.logProbs = new float[limit];
    }

    void add(int token, float logProb) {
      tokens[length] = token;
      logProbs[length] = logProb;
      length++;
    }

    Completion toCompletion() {
      return new Completion(Arrays.copyOf(tokens, length), Arrays.copyOf(logProbs, length),
          reason);
    }
  }

  private static final class CachedLogits implements NextLogits {
    private final LanguageModel lm;
    private final ModelParameters p;
    private KvCache cache;

    CachedLogits(LanguageModel lm, ModelParameters p) {
      this.lm = lm;
      this.p = p;
    }

    @Override
    public INDArray start(int[][] prompts, int group, int maxNewTokens) {
      int longest = Arrays.stream(prompts).mapToInt(a -> a.length).max().orElse(0);
      // Slots: the (left-padded) prompts, then every sampled token but the last one.
      cache = KvCache.allocate(p.config(), prompts.length, longest + maxNewTokens - 1,
          p.dataType());
      INDArray logits = lm.prefill(p, cache, prompts);
      if (group > 1) {
        cache = cache.repeatRows(group);
        logits = logits.repeat(0, group);
      }
      return logits;
    }

    @Override
    public void keepRows(int[] rows) {
      cache = cache.selectRows(rows);
    }

    @Override
    public INDArray next(int[] tokens) {
      return lm.step(p, cache, tokens);
    }
  }

  private static final class RecomputedLogits implements NextLogits {
    private final LanguageModel lm;
    private final ModelParameters p;
    private int[][] sequences;

    RecomputedLogits(LanguageModel lm, ModelParameters p) {
      this.lm = lm;
      this.p = p;
    }

    @Override
    public INDArray start(int[][] prompts, int group, int maxNewTokens) {
      sequences = new int[prompts.length * group][];
      for (int i = 0; i < sequences.length; i++) {
        sequences[i] = prompts[i / group].clone();
      }
      return lm.lastLogits(p, sequences);
    }

    @Override
    public void keepRows(int[] rows) {
      int[][] kept = new int[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        kept[i] = sequences[rows[i]];
      }
      sequences = kept;
    }

    @Override
    public INDArray next(int[] tokens) {
      for (int i = 0; i < sequences.length; i++) {
        int[] s = Arrays.copyOf(sequences[i], sequences[i].length + 1);
        s[s.length - 1] = tokens[i];
        sequences[i] = s;
      }
      return lm.lastLogits(p, sequences);
    }
  }
}
