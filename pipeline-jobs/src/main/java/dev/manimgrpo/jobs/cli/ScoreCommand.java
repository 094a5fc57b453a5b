package dev.manimgrpo.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RenderConfig;
import dev.manimgrpo.core.config.RewardConfig;
import dev.manimgrpo.core.config.VisualRewardConfig;
import dev.manimgrpo.core.render.ManimRuntime;
import dev.manimgrpo.core.render.RenderPoolRole;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.core.render.VideoFileDecoder;
import dev.manimgrpo.core.render.VideoFrames;
import dev.manimgrpo.jobs.report.TextTable;
import dev.manimgrpo.reward.code.CodeReward;
import dev.manimgrpo.reward.rollout.RolloutScorer;
import dev.manimgrpo.reward.visual.VisualSimilarity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Scores one Manim file (or a rendered video) against a reference, with every part of the reward. */
@Command(name = "score", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    header = "Score a Manim file (or a rendered video) against a reference: both visual similarities, the code reward,"
        + " the fused reward, with their parts.",
    description = {
        "%nCANDIDATE is a .py Manim file (rendered in the sandbox, reward profile) or a video/PNG (decoded in the",
        "sandbox; then there is no code reward, and the fused reward counts R_text as 0). REFERENCE is a .py file",
        "(rendered by a pool of its own) or a video.",
        "Both visual-similarity definitions are computed: the content-aware score (the default R_visual) and the",
        "study's vs_study (its SSIM part; with reward.clip-model also its CLIP part and VS = sqrt(SSIM x CLIP)).",
        "Exit code 0 whatever the score; 3 when a .py file did not render (its status and error are printed).%n"})
public final class ScoreCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Parameters(index = "0", paramLabel = "CANDIDATE", description = "Candidate: .py file, or .mp4/.png video.")
  Path candidate;

  @Parameters(index = "1", paramLabel = "REFERENCE", description = "Reference: .py file, or .mp4/.png video.")
  Path reference;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PipelineConfig c = options.load();
    InputPaths.require("CANDIDATE", candidate.toString(), "a .py Manim file, or an .mp4/.png video");
    InputPaths.require("REFERENCE", reference.toString(), "a .py Manim file, or an .mp4/.png video");
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("candidate", candidate, "reference", reference, "output", json ? "json" : "table"));
    }
    // Both definitions, whatever the training configuration says; vs_study is defined at
    // reward.visual.study-width, so frames are rendered at least that wide.
    PipelineConfig both = c.withStudyScores();
    RolloutScorer scorer = RolloutScorer.of(both.reward());
    RenderConfig render = both.render();
    ManimRuntime runtime = ManimRuntime.locate(c.runtime());
    Path scratch = c.render().resolvedScratchDir(c.cache());
    boolean candCode = isPython(candidate);
    boolean refCode = isPython(reference);
    String candidateCode = candCode ? Files.readString(candidate, StandardCharsets.UTF_8) : null;
    String referenceCode = refCode ? Files.readString(reference, StandardCharsets.UTF_8) : null;
    RenderResult candRender = null;
    RenderResult refRender = null;
    VideoFrames candFrames;
    VideoFrames refFrames;
    try (VideoFileDecoder decoder = new VideoFileDecoder(runtime, render, scratch)) {
      if (candCode) {
        candRender = render(runtime, render, scratch, RenderPoolRole.CANDIDATE, candidateCode);
        candFrames = candRender.succeeded() ? candRender.frames() : null;
      } else {
        candFrames = decoder.decode(candidate);
      }
      if (refCode) {
        refRender = render(runtime, render, scratch, RenderPoolRole.REFERENCE, referenceCode);
        refFrames = refRender.succeeded() ? refRender.frames() : null;
      } else {
        refFrames = decoder.decode(reference);
      }
    }
    RolloutScorer.Reference ref = scorer.prepare(referenceCode == null ? "" : referenceCode, refFrames);
    // A video candidate has no code: the code reward is absent, the render counts as successful.
    RenderResult asRender = candRender != null ? candRender : new RenderResult("candidate",
        dev.manimgrpo.core.render.RenderStatus.RENDERED, null, null, "", List.of(), null, null, candFrames,
        candFrames.durationSeconds(), 0, 0, runtime.manimVersion(), null);
    RolloutScorer.Score s = scorer.score(ref, candidateCode == null ? "" : candidateCode, asRender);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("candidate", candidate.toString());
    out.put("reference", reference.toString());
    out.put("candidate_status", asRender.status().wireName());
    if (!asRender.succeeded()) {
      out.put("candidate_error", asRender.exceptionType() + (asRender.errorLine() == null ? "" : " line "
          + asRender.errorLine()) + ": " + asRender.message());
    }
    out.put("reference_status", refRender == null ? "video" : refRender.status().wireName());
    out.put("fused_reward", s.fused().reward());
    out.put("fusion", s.fused().fusion().name().toLowerCase(Locale.ROOT) + " " + s.fused().textWeight() + " text + "
        + s.fused().visualWeight() + " visual + " + s.fused().layoutWeight() + " layout");
    CodeReward cr = candidateCode != null && referenceCode != null ? s.code() : null;
    out.put("r_text", cr == null ? null : cr.textReward());
    out.put("code_bleu", cr == null ? null : cr.codeBleu());
    out.put("bleu", cr == null ? null : cr.bleu());
    out.put("weighted_ngram", cr == null ? null : cr.weightedNgram());
    out.put("syntax_match", cr == null ? null : cr.syntaxMatch());
    out.put("dataflow_match", cr == null ? null : cr.dataflowMatch());
    out.put("codebert_cosine", cr == null ? null : cr.codeBertCosine());
    out.put("syntax_error", cr == null ? null : cr.syntaxError());
    out.put("ast_edit_distance", cr == null ? null : cr.astEditDistance());
    VisualSimilarity vs = s.visual();
    out.put("r_visual", vs == null ? 0.0 : vs.score());
    out.put("vs_content", vs == null ? null : vs.contentScore());
    out.put("vs_colour", vs == null ? null : vs.colour());
    out.put("vs_study_ssim_part", vs == null ? null : vs.vsStudy());
    out.put("vs_study_clip_part", vs == null ? null : vs.clipPart());
    out.put("vs_study", vs == null ? null : vs.studyVs());
    out.put("visual_method", vs == null ? (refFrames == null ? "no-reference-frames" : "failed-render") : vs.method());
    out.put("candidate_frames", candFrames == null ? 0 : candFrames.count());
    out.put("reference_frames", refFrames == null ? 0 : refFrames.count());
    out.put("layout", s.layout());
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(new ObjectMapper().writeValueAsString(out));
    } else {
      TextTable t = new TextTable("part", "value").right(1);
      out.forEach((k, val) -> t.add(k, val instanceof Double d ? String.format(Locale.ROOT, "%.4f", d)
          : val == null ? "-" : val));
      stdout.print(t.render());
    }
    stdout.flush();
    boolean failed = (candRender != null && !candRender.succeeded()) || (refRender != null && !refRender.succeeded());
    return failed ? 3 : 0;
  }

  /** One program in a one-worker pool of its role (a candidate never shares a worker with a reference). */
  private static RenderResult render(ManimRuntime runtime, RenderConfig render, Path scratch, RenderPoolRole role,
      String code) {
    try (RenderWorkerPool pool = new RenderWorkerPool(runtime, render.withWorkers(1), scratch, role)) {
      return pool.render(RenderRequest.frames(role.name().toLowerCase(Locale.ROOT), code));
    }
  }

  private static boolean isPython(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".py");
  }
}
