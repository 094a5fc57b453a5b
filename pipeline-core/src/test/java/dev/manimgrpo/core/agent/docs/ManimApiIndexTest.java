package dev.manimgrpo.core.agent.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.manimgrpo.core.agent.ApiDoc;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ManimApiIndexTest {

  private static ManimApiIndex index;

  @BeforeAll
  static void build() {
    index = ManimApiIndex.build(ApiDocFixture.manimVersion(), ApiDocFixture.entries());
  }

  @AfterAll
  static void close() {
    index.close();
  }

  private static List<String> names(List<Suggestion> s) {
    return s.stream().map(x -> x.entry().qualifiedName()).toList();
  }

  private static List<String> closest(String name) {
    return names(index.closestNames(name, 5));
  }

  @Test
  void typosOfAClassNameSuggestTheClassFirst() {
    assertThat(closest("Cirlce")).first().isEqualTo("Circle");
    assertThat(closest("Sqaure")).first().isEqualTo("Square");
    assertThat(closest("ThreeDAxis")).first().isEqualTo("ThreeDAxes");
  }

  @Test
  void inventedNamesSuggestTheRealNameTheyExtendOrBend() {
    assertThat(closest("MathText")).first().isEqualTo("MathTex");
    assertThat(closest("MathText").subList(0, 3)).contains("Text");
    assertThat(closest("FadeInFromLeft")).first().isEqualTo("FadeIn");
    assertThat(closest("FadeInFromLeft")).doesNotContain("FadeInFromLeft");
  }

  @Test
  void namesOfOlderManimSuggestWhatReplacedThem() {
    assertThat(closest("ShowCreation")).first().isEqualTo("Create");
    assertThat(closest("TextMobject").subList(0, 2)).containsExactly("Text", "Tex");
    assertThat(closest("TexMobject")).first().isEqualTo("MathTex");
    assertThat(closest("get_graph")).first().isEqualTo("CoordinateSystem.plot");
    assertThat(index.closestNames("ShowCreation", 1)).hasSize(1);
    assertThat(closest("ShowCreation")).doesNotHaveDuplicates();
  }

  @Test
  void aMisspeltMethodSuggestsItsPreferredDefinition() {
    // set_color is defined by Mobject, VMobject and PMobject: one suggestion, the base class's
    List<String> s = closest("set_colour");
    assertThat(s).first().isEqualTo("Mobject.set_color");
    assertThat(s).doesNotContain("VMobject.set_color", "PMobject.set_color");
    assertThat(closest("setColor")).first().isEqualTo("Mobject.set_color");
  }

  @Test
  void suggestionScoresAreSimilaritiesBestFirst() {
    List<Suggestion> s = index.closestNames("MathText", 5);
    assertThat(s).hasSize(5);
    // MathTex: whole name 1 - 1/8, sub-words (1 + 0.75) * 2 / 4 (see NameSimilarity)
    assertThat(s.get(0).score()).isCloseTo(0.875, offset(1e-9));
    assertThat(s).extracting(Suggestion::score).isSortedAccordingTo((a, b) -> Double.compare(b, a))
        .allMatch(x -> x >= 0 && x <= 1);
  }

  @Test
  void anExistingNameComesFirstWithScoreOne() {
    Suggestion first = index.closestNames("Circle", 3).get(0);
    assertThat(first.entry().qualifiedName()).isEqualTo("Circle");
    assertThat(first.score()).isEqualTo(1.0);
    assertThat(names(index.closestNames("Axes.get_axis", 1))).containsExactly("CoordinateSystem.get_axis");
  }

  @Test
  void closestNamesOfNothingIsEmpty() {
    assertThat(index.closestNames("", 5)).isEmpty();
    assertThat(index.closestNames("__", 5)).isEmpty();
    assertThat(index.closestNames(null, 5)).isEmpty();
    assertThat(index.closestNames("Circle", 0)).isEmpty();
  }

  @Test
  void conceptSearchFindsAxesAndPlotForAGraphOfAFunction() {
    List<String> s = names(index.searchConcepts("draw the graph of a function on axes", 5));
    assertThat(s).contains("Axes", "CoordinateSystem.plot");
  }

  @Test
  void conceptSearchFindsTheCircleForACircle() {
    assertThat(names(index.searchConcepts("a circle", 3))).first().isEqualTo("Circle");
  }

  @Test
  void conceptSearchCoversEachConceptOfALongerDescription() {
    List<String> s = names(index.searchConcepts("a blue circle grows then a graph of sin x is drawn on axes", 8));
    assertThat(s).contains("Circle", "GrowFromCenter", "Axes", "CoordinateSystem.plot", "Create");
    assertThat(names(index.searchConcepts("display the equation e^{i pi} + 1 = 0 with LaTeX", 2)))
        .containsExactlyInAnyOrder("MathTex", "Tex");
  }

  @Test
  void conceptSearchLeavesConstantsOut() {
    List<Suggestion> s = index.searchConcepts("blue and red colours, BLUE_A", 20);
    assertThat(s).isNotEmpty().noneMatch(x -> x.entry().kind().equals("constant"));
  }

  @Test
  void conceptSearchOfStopWordsOnlyIsEmpty() {
    assertThat(index.searchConcepts("the and of a", 5)).isEmpty();
    assertThat(index.searchConcepts("  ", 5)).isEmpty();
  }

  @Test
  void exactLookupByBareOrQualifiedName() {
    assertThat(index.exact("Circle")).map(ApiDoc::kind).contains("class");
    assertThat(index.exact("VMobject.set_color")).map(ApiDoc::qualifiedName).contains("VMobject.set_color");
    assertThat(index.exact("set_color")).map(ApiDoc::qualifiedName).contains("Mobject.set_color");
    assertThat(index.exact("always_redraw")).map(ApiDoc::kind).contains("function");
    assertThat(index.exact("BLUE")).map(ApiDoc::signature).contains("BLUE = ManimColor('#58C4DD')");
    assertThat(index.exact("circle")).isEmpty();
    assertThat(index.exact("Cirlce")).isEmpty();
  }

  @Test
  void aTopLevelNameIsPreferredToAMethodOfTheSameName() {
    // Table.create comes before Create in no order that matters: the class wins
    ManimApiIndex both = ManimApiIndex.build("x", List.of(
        new ApiDoc("create", "Table.create", "method", "Table.create(self)", "Animates the table."),
        new ApiDoc("create", "create", "function", "create()", "A top-level create.")));
    try (both) {
      assertThat(both.exact("create")).map(ApiDoc::qualifiedName).contains("create");
      assertThat(both.closestNames("craete", 5)).hasSize(1)
          .first().extracting(x -> x.entry().qualifiedName()).isEqualTo("create");
    }
  }

  @Test
  void concurrentSearchesAgree() throws Exception {
    List<String> expected = closest("FadeInFromLeft");
    List<String> concepts = names(index.searchConcepts("a circle grows", 5));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> runs = IntStream.range(0, 40).mapToObj(i -> pool.submit(() ->
          closest("FadeInFromLeft").equals(expected)
              && names(index.searchConcepts("a circle grows", 5)).equals(concepts))).toList();
      for (Future<Boolean> f : runs) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
