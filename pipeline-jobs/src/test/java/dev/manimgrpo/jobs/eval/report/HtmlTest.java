package dev.manimgrpo.jobs.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void escapesMarkupAndQuotes() {
    assertThat(Html.esc("<a href='x'>\"&\"</a>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
    assertThat(Html.esc(null)).isEmpty();
  }

  @Test
  void replacesCharactersHtmlCannotCarry() {
    assertThat(Html.esc("a\u0000b\u001bc\td\ne")).isEqualTo("a\uFFFDb\uFFFDc\td\ne");
    assertThat(Html.esc("x\uD800y")).isEqualTo("x\uFFFDy");
    assertThat(Html.esc("\uD83D\uDE00")).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void fileNamesKeepOnlySafeCharacters() {
    assertThat(Html.fileName("../etc/passwd", 80)).isEqualTo("__etc_passwd");
    assertThat(Html.fileName("a<b> c", 3)).isEqualTo("a_b");
    assertThat(Html.fileName("", 10)).isEqualTo("_");
    assertThat(Html.fileName("a/../../b", 80)).isEqualTo("a_._._b");
  }

  @Test
  void onlyFragmentsPassUnescaped() {
    assertThat(Html.cell("<b>")).isEqualTo("&lt;b&gt;");
    assertThat(Html.cell(Html.link("samples/x.html", "<i>"))).isEqualTo("<a href=\"samples/x.html\">&lt;i&gt;</a>");
    assertThat(Html.num(Double.NaN, 2)).isEqualTo("n/a");
    assertThat(Html.ratio(3.0)).isEqualTo("3.00\u00d7");
  }
}
