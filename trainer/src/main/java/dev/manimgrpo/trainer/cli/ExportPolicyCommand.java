package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.policy.checkpoint.Checkpoint;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.PolicyLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes a policy-only checkpoint (no optimizer state) into a folder, e.g. the bundled starter's. */
@Command(name = "export-policy", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Write a checkpoint's policy (weights, shape, tokenizer; no optimizer state) into a local folder.",
    description = "%nUsed by scripts/train-starter-policy.sh to refresh the starter policy bundled in the trainer jar "
        + "(policy/src/main/resources/" + "dev/manimgrpo/policy/starter-policy). The result is an ordinary checkpoint "
        + "directory: policy.checkpoint can point at it.%n")
public final class ExportPolicyCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "Checkpoint or run directory.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "Local folder to (re)write.")
  Path to;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    InputPaths.require("--from", from, "a checkpoint or run folder written by manim-grpo-trainer, local or s3a://");
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("from", from, "output", to));
    }
    var hadoop = Hadoop.of(config);
    Policy p = new PolicyLoader(hadoop).load(from);
    CheckpointStore store = new CheckpointStore(hadoop);
    URI source = SftCommand.location(from);
    var manifest = store.readManifest(store.latest(source).orElse(source));
    Path staging = Files.createTempDirectory("export-policy");
    URI written = store.save(staging.toUri(), new Checkpoint(p.step(), Instant.now(), manifest.data(),
        manifest.metrics(), Policy.configJson(p.config()), p.tokenizerBytes(), p.weights(), new LinkedHashMap<>(),
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("kind", "policy")
            .put("step", p.step()).put("exported_from", p.source())));
    Files.createDirectories(to);
    try (var old = Files.list(to)) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    try (var files = Files.list(Path.of(written))) {
      for (Path f : files.toList()) {
        Files.move(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    System.out.printf("policy of %s (step %d, %,d parameters) written to %s%n", p.source(), p.step(), p.params().count(),
        to.toAbsolutePath());
    deleteTree(staging);
    return 0;
  }

  private static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
