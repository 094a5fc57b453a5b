package dev.manimgrpo.bench;

import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.reward.code.CodeReference;
import dev.manimgrpo.reward.code.CodeRewardCalculator;
import dev.manimgrpo.reward.code.PythonParser;
import dev.manimgrpo.reward.code.TreeEditDistance;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The code reward of one candidate against a prepared reference (CodeBLEU's four parts, the
 * syntax flag and the AST edit distance), over pairs of bundled scenes: one call is one
 * rollout's R_text, so ops/s is rewards per second on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CodeBleuBenchmark {

  private final CodeRewardCalculator calculator = new CodeRewardCalculator();
  private CodeReference[] references;
  private String[] candidates;
  private TreeEditDistance.OrderedTree[] referenceTrees;
  private TreeEditDistance.OrderedTree[] candidateTrees;
  private int next;

  @Setup
  public void setUp() {
    List<BundledSampleSet.Entry> entries = BundledSampleSet.entries();
    references = new CodeReference[entries.size()];
    candidates = new String[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      references[i] = calculator.prepare(entries.get(i).code());
      // a plausible rollout: the scene with its colours changed, plus a neighbouring scene's code
      candidates[i] = entries.get(i).code().replace("BLUE", "RED").replace("YELLOW", "GREEN");
    }
    PythonParser parser = new PythonParser();
    referenceTrees = new TreeEditDistance.OrderedTree[entries.size()];
    candidateTrees = new TreeEditDistance.OrderedTree[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      referenceTrees[i] = TreeEditDistance.OrderedTree.of(parser.parse(entries.get(i).code()));
      // the neighbouring scene: a pair of unrelated programs, the usual case early in training
      candidateTrees[i] = TreeEditDistance.OrderedTree.of(parser.parse(entries.get((i + 1) % entries.size()).code()));
    }
  }

  /** The AST edit distance part alone (Zhang-Shasha on the two named-node trees), parsing excluded. */
  @Benchmark
  public double astEditDistancePerRollout() {
    int i = next++ % referenceTrees.length;
    return TreeEditDistance.compute(referenceTrees[i], candidateTrees[i], TreeEditDistance.Limits.defaults())
        .normalized();
  }

  @Benchmark
  public double codeRewardPerRollout() {
    int i = next++ % references.length;
    return calculator.score(references[i], candidates[i]).textReward();
  }
}
