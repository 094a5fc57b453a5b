package dev.manimgrpo.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.agent.docs.ManimApiIndex;
import dev.manimgrpo.core.agent.docs.Suggestion;
import dev.manimgrpo.core.config.RenderConfig;
import dev.manimgrpo.core.render.ManimRuntimeFixture;
import dev.manimgrpo.core.render.RenderWorkerPool;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's strategies with real renders in the sandboxed pool and a scripted policy. */
@Tag("manim")
class ManimAgentTest {

  static final SamplingConfig SAMPLING = new SamplingConfig(8, 0.9, 0.9, 0.1, 512, 7);
  static final String TASK = "A blue circle appears in the centre.";
  static final String BROKEN = "```python\nfrom manim import *\n\nclass Blue(Scene):\n    def construct(self):\n"
      + "        c = Cirlce(color=BLUE)\n        self.play(Create(c))\n```";
  static final String FIXED = "```python\nfrom manim import *\n\nclass Blue(Scene):\n    def construct(self):\n"
      + "        c = Circle(color=BLUE)\n        self.play(Create(c), run_time=0.4)\n```";

  @TempDir static Path scratch;
  static RenderWorkerPool pool;

  @BeforeAll
  static void start() throws Exception {
    RenderConfig render = ManimRuntimeFixture.config().render().withWorkers(1).withTimeoutSeconds(60);
    pool = ManimRuntimeFixture.pool(render, scratch);
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void ritlRecoversWithTheRenderErrorsAndRecordsBothRounds() {
    ScriptedPolicy policy = new ScriptedPolicy(BROKEN, FIXED);
    ManimAgent.Outcome out = new ManimAgent(policy, pool, null, 0).solve("basic_01", TASK, Strategy.RITL, 3, SAMPLING);

    assertEquals(2, out.rounds().size());
    AgentRound first = out.rounds().get(0);
    assertEquals("runtime_error", first.status());
    assertEquals("NameError", first.exceptionType());
    assertEquals(5, first.errorLine()); // line 5 of the extracted program
    assertTrue(first.stderrTail().stream().anyMatch(l -> l.contains("Cirlce")), first.stderrTail().toString());
    assertEquals(3, first.promptTokens());
    assertEquals(2, first.completionTokens());
    assertEquals(TASK, policy.prompts.get(0));

    // The retry carries the task, the failed program and its errors in the study's tagged layout.
    String retry = policy.prompts.get(1);
    assertTrue(retry.startsWith("<TEXT_SCRIPT>\n" + TASK + "\n</TEXT_SCRIPT>\n<INITIAL_CODE>\nfrom manim import *"), retry);
    assertTrue(retry.contains("Cirlce(color=BLUE)"), retry);
    assertTrue(retry.contains("<RENDER_ERRORS>\n") && retry.contains("NameError"), retry);
    assertFalse(retry.contains("<API_INFO>"), retry);
    assertEquals(retry, out.rounds().get(1).prompt());

    AgentRound second = out.rounds().get(1);
    assertEquals("rendered", second.status());
    assertTrue(second.stderrTail().isEmpty() || second.message().isEmpty());
    assertEquals(2, out.renders());
    assertEquals(2, out.roundsUsed());
    assertTrue(out.finalRender().succeeded());
    assertNotNull(out.finalRender().frames());
  }

  @Test
  void directStopsAfterOneRoundAndRitlAfterK() {
    ManimAgent.Outcome direct = new ManimAgent(new ScriptedPolicy(BROKEN, FIXED), pool, null, 0)
        .solve("basic_01", TASK, Strategy.DIRECT, 3, SAMPLING);
    assertEquals(1, direct.rounds().size());
    assertFalse(direct.finalRender().succeeded());

    ManimAgent.Outcome ritl = new ManimAgent(new ScriptedPolicy(BROKEN), pool, null, 0)
        .solve("basic_01", TASK, Strategy.RITL, 3, SAMPLING);
    assertEquals(List.of("runtime_error", "runtime_error", "runtime_error"),
        ritl.rounds().stream().map(AgentRound::status).toList());
    assertEquals(3, ritl.renders());
  }

  @Test
  void aFailedGenerationCostsARoundNotTheSample() {
    ScriptedPolicy policy = new ScriptedPolicy(null, FIXED);
    ManimAgent.Outcome out = new ManimAgent(policy, pool, null, 0).solve("basic_01", TASK, Strategy.RITL, 3, SAMPLING);
    assertEquals(List.of(ManimAgent.SAMPLING_ERROR, "rendered"), out.rounds().stream().map(AgentRound::status).toList());
    assertEquals("scripted failure", out.rounds().get(0).message());
    assertEquals(1, out.renders());
  }

  @Test
  void ritlDocDocumentsRealNamesReportsMissingOnesAndRevisesTheDraft() {
    ScriptedPolicy policy = new ScriptedPolicy(BROKEN, FIXED);
    // The API search index over what the installed manim lists, as the evaluation job builds it.
    ManimApiIndex index = ManimApiIndex.build(pool.manimVersion(), pool.apiDump());
    ApiDocsSource docs = new WorkerApiDocs(pool,
        (name, k) -> index.closestNames(name, k).stream().map(Suggestion::entry).toList(),
        (task, k) -> index.searchConcepts(task, k).stream().map(Suggestion::entry).toList());
    ManimAgent.Outcome out = new ManimAgent(policy, pool, docs, 3, 3)
        .solve("basic_01", TASK, Strategy.RITL_DOC, 3, SAMPLING);

    assertEquals(List.of(ManimAgent.DRAFT, "rendered"), out.rounds().stream().map(AgentRound::status).toList());
    assertEquals(1, out.renders());
    AgentRound revised = out.rounds().get(1);
    assertTrue(revised.docNames().contains("Create"), revised.docNames().toString());
    assertEquals(List.of("Cirlce"), revised.docMissing());
    assertEquals(List.of("Cirlce->Circle"), revised.docSuggestions());
    // The search over the task description ("A blue circle appears...") finds Circle too.
    assertTrue(revised.docRelated().contains("Circle"), revised.docRelated().toString());

    String prompt = policy.prompts.get(1);
    assertTrue(prompt.contains("<RENDER_ERRORS>\nNONE\n</RENDER_ERRORS>"), prompt);
    assertTrue(prompt.contains("<API_INFO>\nBLUE = ManimColor("), prompt); // read in c = Cirlce(color=BLUE)
    assertTrue(prompt.contains("\nCreate(mobject"), prompt);
    assertTrue(prompt.contains("NO DOCUMENTATION AVAILABLE FOR Cirlce (closest real names: Circle, "), prompt);
    assertTrue(prompt.contains("\nCircle(radius"), prompt); // the best suggestion's signature
    assertTrue(prompt.contains("\nRELATED TO THE TASK:\n"), prompt);
    assertEquals(revised.prompt(), prompt);
    // The Examples section of manim's docstrings is left out.
    assertFalse(prompt.contains("Examples\n"), prompt);
  }

  @Test
  void theWorkerReadsLiveDocumentationWithoutRunningTheCode() {
    CodeDocs d = pool.apiDocs("from manim import *\nimport os\nos.system('touch /scratch/x')\n"
        + "class S(Scene):\n    def construct(self):\n        t = MathTex('x')\n        t.set_fill(BLUE)\n"
        + "        self.play(Write(t))\n        helper(t)\n\ndef helper(m):\n    return m\n").orElseThrow();
    // Calls and names read in assigned values; call arguments (BLUE) and the code's own helper are not.
    assertEquals(List.of("system", "MathTex", "set_fill", "Write"), d.names());
    assertEquals(List.of("system"), d.missing());
    ApiDoc fill = d.found().stream().filter(x -> x.name().equals("set_fill")).findFirst().orElseThrow();
    assertEquals("method", fill.kind());
    assertTrue(fill.qualifiedName().endsWith(".set_fill"), fill.qualifiedName());
    assertTrue(fill.signature().contains("color"), fill.signature());
    assertFalse(d.found().stream().anyMatch(x -> x.signature().contains(" at 0x")), "no object addresses");

    CodeDocs bad = pool.apiDocs("class (:").orElseThrow();
    assertTrue(bad.parseError().startsWith("SyntaxError"), bad.parseError());
    assertTrue(bad.names().isEmpty());
  }

  @Test
  void everyReplacementOfAnOlderNameIsARealNameOfTheInstalledManim() {
    ManimApiIndex index = ManimApiIndex.build(pool.manimVersion(), pool.apiDump());
    for (var e : dev.manimgrpo.core.agent.docs.LegacyNames.REPLACEMENTS.entrySet()) {
      for (String current : e.getValue()) {
        assertTrue(index.exact(current).isPresent(), e.getKey() + " -> " + current + " is not in manim");
      }
    }
  }

  @Test
  void programsMadeToChokeTheParserCostNothingButAParseError() {
    String nested = "x = " + "(".repeat(100_000) + ")".repeat(100_000) + "\n";
    CodeDocs deep = pool.apiDocs(nested).orElseThrow();
    assertNotNull(deep.parseError());
    assertTrue(deep.names().isEmpty());
    CodeDocs huge = pool.apiDocs("x = 1\n".repeat(50_000)).orElseThrow();
    assertEquals("no code, or code too long", huge.parseError());
    String calls = "from manim import *\n" + "Circle()\n".repeat(20_000);
    assertEquals(List.of("Circle"), pool.apiDocs(calls).orElseThrow().names());
    // The worker that parsed them still renders.
    ManimAgent.Outcome out = new ManimAgent(new ScriptedPolicy(FIXED), pool, null, 0)
        .solve("basic_01", TASK, Strategy.DIRECT, 1, SAMPLING);
    assertTrue(out.finalRender().succeeded());
  }

  @Test
  void theApiDumpListsClassesMethodsAndConstants() {
    List<ApiDoc> all = pool.apiDump();
    assertTrue(all.size() > 1000, "entries: " + all.size());
    assertTrue(all.stream().anyMatch(d -> d.qualifiedName().equals("Circle") && d.kind().equals("class")));
    assertTrue(all.stream().anyMatch(d -> d.qualifiedName().equals("ThreeDScene.set_camera_orientation")));
    assertTrue(all.stream().noneMatch(d -> d.doc().contains("\nExamples\n--------")));
  }
}
