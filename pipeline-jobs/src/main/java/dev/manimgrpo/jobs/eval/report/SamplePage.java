package dev.manimgrpo.jobs.eval.report;

import dev.manimgrpo.core.agent.AgentRound;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.eval.FailureTaxonomy;
import java.util.List;

/**
 * One sample's own page: the task, then every round's program (numbered, the error line marked),
 * status, error and stderr tail, with the prompt and raw completion folded away. All of it is model
 * output or derived from it, so all of it is escaped.
 */
final class SamplePage {

  private SamplePage() {}

  /**
   * @param s the sample
   * @param back the href of the place in the report that links here
   */
  static String html(EvalSample s, String back) {
    String title = s.policy() + " / " + s.stage() + " / " + s.strategy() + " / " + s.promptId();
    StringBuilder b = new StringBuilder();
    b.append("<p>").append(Html.link(back, "\u2190 back to the report")).append("</p>\n");
    b.append(Html.tag("h1", title)).append('\n');
    b.append(new HtmlTable("sample", "field", "value")
        .add("final status", s.finalStatus())
        .add("final error", s.success() ? "" : FailureTaxonomy.label(s))
        .add("error line", s.errorLine() == null ? "" : s.errorLine().toString())
        .add("difficulty", s.difficulty())
        .add("rounds used", Integer.toString(s.roundsUsed()))
        .add("renders", Integer.toString(s.renders()))
        .add("visual similarity (study / default)", Html.num(s.vsStudy(), 3) + " / " + Html.num(s.vsDefault(), 3))
        .add("CodeBLEU", Html.num(s.codeBleu(), 3))
        .add("wall seconds", Html.num(s.wallSeconds(), 1))
        .add("policy id", s.policyId())
        .add("manim", s.manimVersion())
        .add("template", s.templateVersion())
        .render());
    b.append("<h2>Task</h2>\n<pre>").append(Html.esc(s.taskPrompt())).append("</pre>\n");
    List<AgentRound> rounds = s.rounds();
    if (rounds.isEmpty()) {
      b.append("<p class=\"note\">The rounds were not recorded; the final program:</p>\n");
      b.append("<pre class=\"code\">").append(numberedCode(s.finalCode(), s.errorLine())).append("</pre>\n");
    }
    for (AgentRound r : rounds) {
      round(b, r);
    }
    return Html.page(title, b.toString());
  }

  private static void round(StringBuilder b, AgentRound r) {
    b.append("<h2 id=\"round-").append(r.round()).append("\">")
        .append(Html.esc("Round " + r.round() + ": " + r.status())).append("</h2>\n");
    if (!r.rendered()) {
      String where = r.errorLine() == null ? "" : " at line " + r.errorLine();
      String what = r.exceptionType() == null ? r.status() : r.exceptionType();
      b.append(Html.tag("p", what + where + (r.message().isEmpty() ? "" : ": " + r.message()))).append('\n');
    }
    if (!r.docMissing().isEmpty()) {
      b.append(Html.tag("p", "Names without documentation: " + String.join(", ", r.docMissing())
          + (r.docSuggestions().isEmpty() ? "" : "; suggested: " + String.join(", ", r.docSuggestions()))))
          .append('\n');
    }
    b.append("<h3>Program</h3>\n<pre class=\"code\">").append(numberedCode(r.code(), r.errorLine()))
        .append("</pre>\n");
    if (!r.stderrTail().isEmpty()) {
      b.append("<h3>stderr (tail)</h3>\n<pre>").append(Html.esc(String.join("\n", r.stderrTail())))
          .append("</pre>\n");
    }
    b.append("<details><summary>Prompt</summary>\n<pre>").append(Html.esc(r.prompt())).append("</pre></details>\n");
    b.append("<details><summary>Raw completion</summary>\n<pre>").append(Html.esc(r.completion()))
        .append("</pre></details>\n");
  }

  /** The program with line numbers (the error line's numbering is the program's own), that line marked. */
  static String numberedCode(String code, Integer errorLine) {
    if (code == null || code.isEmpty()) {
      return "<span class=\"note\">(no program)</span>";
    }
    String[] lines = (code.endsWith("\n") ? code.substring(0, code.length() - 1) : code).split("\n", -1);
    int width = Integer.toString(lines.length).length();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      String line = Html.esc(String.format("%" + width + "d  %s", i + 1, lines[i]));
      b.append(errorLine != null && errorLine == i + 1 ? "<mark>" + line + "</mark>" : line).append('\n');
    }
    return b.toString();
  }
}
