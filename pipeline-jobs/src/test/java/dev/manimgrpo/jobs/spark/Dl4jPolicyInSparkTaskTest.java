package dev.manimgrpo.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.policy.Dl4jPolicyClient;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.model.LanguageModel;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ND4J and Spark on one class path: the bundled starter policy is loaded and sampled inside Spark
 * tasks (both engines), and gives exactly what the same client gives in the driver, whatever the
 * partitioning and the order of the prompts, because every completion's seed is a function of
 * (seed, prompt id, step, rollout index) alone.
 */
class Dl4jPolicyInSparkTaskTest extends LocalSparkTest {

  private static final int STEP = 7;
  /** A group of 3, 24 tokens at most, temperature 1 so that the seeds matter. */
  private static final SamplingConfig SAMPLING = new SamplingConfig(3, 1.0, 1.0, 0.0, 24, 20240611L);
  private static final List<Prompt> PROMPTS = List.of(
      new Prompt("p0", "Draw a blue circle that grows to twice its size."),
      new Prompt("p1", "Write the text Hello and fade it out."),
      new Prompt("p2", "Show a square turning into a triangle."),
      new Prompt("p3", "Plot y = x^2 on axes from -3 to 3."));

  @ParameterizedTest
  @EnumSource(TrainerConfig.Engine.class)
  void tasksSampleWhatTheDriverSamplesWhateverThePartitioning(TrainerConfig.Engine engine) throws IOException {
    Dl4jPolicyClient driverClient = newClient(engine);
    List<Sampled> inDriver = new ArrayList<>();
    for (Prompt p : PROMPTS) {
      inDriver.addAll(SampleGroups.sample(driverClient, p, -1));
    }

    List<Sampled> twoPartitions = sampleInTasks(engine, PROMPTS, 2);
    List<Prompt> reversed = new ArrayList<>(PROMPTS);
    java.util.Collections.reverse(reversed);
    List<Sampled> threePartitionsReversed = sampleInTasks(engine, reversed, 3);

    assertThat(inDriver).hasSize(PROMPTS.size() * SAMPLING.groupSize());
    for (Sampled s : inDriver) {
      assertThat(s.error()).as("error of %s", s.key()).isNull();
      assertThat(s.text()).as("text of %s", s.key()).isNotEmpty();
      assertThat(s.tokenIds()).as("tokens of %s", s.key()).isNotEmpty().hasSameSizeAs(s.logprobs());
      assertThat(s.logprobs()).as("log-probs of %s", s.key()).allMatch(lp -> Float.isFinite(lp) && lp <= 0f);
    }
    // Each member of a group has its own seed: a group is not three copies of one completion.
    assertThat(byPrompt(inDriver).values()).anyMatch(group -> group.stream().map(Sampled::tokenIds).distinct().count() > 1);

    assertThat(byKey(twoPartitions)).isEqualTo(byKey(inDriver));
    assertThat(byKey(threePartitionsReversed)).isEqualTo(byKey(inDriver));
    assertThat(twoPartitions).extracting(Sampled::partition).containsOnly(0, 1).contains(0, 1);
    assertThat(threePartitionsReversed).extracting(Sampled::partition).contains(0, 1, 2);
  }

  private static List<Sampled> sampleInTasks(TrainerConfig.Engine engine, List<Prompt> prompts, int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return jsc.parallelize(prompts, partitions).mapPartitions(new SampleGroups(engine, SAMPLING, STEP)).collect();
  }

  private static Dl4jPolicyClient newClient(TrainerConfig.Engine engine) {
    try {
      return new Dl4jPolicyClient(new PolicyLoader(new Configuration()).starter(), LanguageModel.of(engine));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the bundled starter policy", e);
    }
  }

  /** Completions keyed by (prompt id, rollout index), without the partition they were sampled in. */
  private static Map<String, Sampled> byKey(List<Sampled> all) {
    Map<String, Sampled> out = new TreeMap<>();
    for (Sampled s : all) {
      assertThat(out.put(s.key(), s.withoutPartition())).as("duplicate %s", s.key()).isNull();
    }
    return out;
  }

  private static Map<String, List<Sampled>> byPrompt(List<Sampled> all) {
    return all.stream().collect(Collectors.groupingBy(Sampled::promptId));
  }

  /** A prompt to sample a group for. */
  record Prompt(String id, String text) implements Serializable {}

  /** One completion as it leaves a task; lists, so that records compare by value. */
  record Sampled(int partition, String promptId, int rolloutIndex, String text, List<Integer> tokenIds,
      List<Float> logprobs, String finishReason, String error) implements Serializable {

    String key() {
      return promptId + "#" + rolloutIndex;
    }

    Sampled withoutPartition() {
      return new Sampled(-1, promptId, rolloutIndex, text, tokenIds, logprobs, finishReason, error);
    }
  }

  /**
   * Samples the whole group of each prompt of a partition with one client per engine and executor
   * JVM (loaded on first use, as the jobs do), inside a Spark task.
   */
  static final class SampleGroups implements FlatMapFunction<Iterator<Prompt>, Sampled> {

    private static final Map<TrainerConfig.Engine, Dl4jPolicyClient> CLIENTS = new ConcurrentHashMap<>();

    private final TrainerConfig.Engine engine;
    private final SamplingConfig sampling;
    private final int step;

    SampleGroups(TrainerConfig.Engine engine, SamplingConfig sampling, int step) {
      this.engine = engine;
      this.sampling = sampling;
      this.step = step;
    }

    @Override
    public Iterator<Sampled> call(Iterator<Prompt> prompts) {
      TaskContext task = TaskContext.get();
      if (task == null) {
        throw new IllegalStateException("SampleGroups must run inside a Spark task");
      }
      Dl4jPolicyClient client = CLIENTS.computeIfAbsent(engine, Dl4jPolicyInSparkTaskTest::newClient);
      List<Sampled> out = new ArrayList<>();
      while (prompts.hasNext()) {
        out.addAll(sample(client, prompts.next(), task.partitionId(), sampling, step));
      }
      return out.iterator();
    }

    static List<Sampled> sample(Dl4jPolicyClient client, Prompt p, int partition) {
      return sample(client, p, partition, SAMPLING, STEP);
    }

    static List<Sampled> sample(Dl4jPolicyClient client, Prompt p, int partition, SamplingConfig sampling, int step) {
      List<Sampled> out = new ArrayList<>();
      for (Generation g : client.generate(GroupRequest.wholeGroup(p.id(), p.text(), step, sampling))) {
        out.add(new Sampled(partition, p.id(), g.rolloutIndex(), g.text(), boxed(g.tokenIds()), boxed(g.logprobs()),
            g.finishReason(), g.error()));
      }
      return out;
    }

    private static List<Integer> boxed(int[] a) {
      return a == null ? List.of() : java.util.Arrays.stream(a).boxed().toList();
    }

    private static List<Float> boxed(float[] a) {
      List<Float> out = new ArrayList<>();
      if (a != null) {
        for (float f : a) {
          out.add(f);
        }
      }
      return List.copyOf(out);
    }
  }
}
