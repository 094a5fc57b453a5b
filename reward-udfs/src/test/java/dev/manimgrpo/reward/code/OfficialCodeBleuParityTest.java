package dev.manimgrpo.reward.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * Golden values from the official implementation. Each row was computed by the {@code codebleu} package's own
 * Python functions ({@code bleu.corpus_bleu}, {@code weighted_ngram_match.corpus_bleu}, the syntax-match
 * membership count, {@code DFG_python} + {@code get_data_flow} + {@code normalize_dataflow} + the matching
 * loop, and {@code calc_codebleu}'s formula), run on the same tree-sitter-python 0.23 trees and comment-free
 * sources as this port, with {@code PYTHONHASHSEED=0} (the official data-flow normalisation depends on
 * Python's string-hash order where parent lists are merged through a set). The same harness agreed on all 361
 * pairs of 19 programs (the scenes and 12 standard-library modules), and on the data-flow items and the
 * comment/docstring removal of 257 programs; it is not part of the build (it needs the Python code).
 */
class OfficialCodeBleuParityTest {

  private static final String[][] GOLDEN = {
      // ref, cand, BLEU, weighted n-gram, syntax match, data-flow match, CodeBLEU
      {"PYTHAGORAS", "VECTOR_ADDITION", "0.03663699433667835", "0.05095206893400669", "0.4177215189873418",
          "0.3431372549019608", "0.2121119592899969"},
      {"VECTOR_ADDITION", "PYTHAGORAS", "0.04583148650137314", "0.09554042701685181", "0.5", "0.5223880597014925",
          "0.29093999330492937"},
      {"SQUARE_TO_CIRCLE", "SQUARE_TO_CIRCLE_RENAMED", "0.6573151850106184", "0.6726069827189962", "1.0", "1.0",
          "0.8324805419324036"},
      {"PYTHAGORAS", "UNRELATED", "0.00023864858820021385", "0.0033316035536241247", "0.26582278481012656",
          "0.08823529411764706", "0.08940708276739949"},
      {"SQUARE_TO_CIRCLE", "BROKEN", "0.2080729844969592", "0.2844597675792989", "0.4782608695652174",
          "0.35294117647058826", "0.33093369952801593"},
      {"CIRCLE_AREA", "PYTHAGORAS", "0.0450477534659048", "0.1576171155998263", "0.39344262295081966",
          "0.5833333333333334", "0.294860206337471"},
      {"PYTHAGORAS", "CIRCLE_AREA", "0.017770732336736265", "0.05053609888320719", "0.22151898734177214",
          "0.13725490196078433", "0.10677018013062498"},
      {"BROKEN", "SQUARE_TO_CIRCLE", "0.26189293164591476", "0.5417074373629338", "0.5652173913043478",
          "0.8571428571428571", "0.5564901543640134"},
      {"UNRELATED", "PYTHAGORAS", "0.0026460821068928497", "0.015710252461358532", "0.37142857142857144", "0.6",
          "0.2474462264992057"},
  };

  private static String scene(String name) throws Exception {
    Field f = ManimScenes.class.getDeclaredField(name);
    return (String) f.get(null);
  }

  @Test
  void matchesTheOfficialImplementation() throws Exception {
    CodeBleu codeBleu = new CodeBleu();
    for (String[] row : GOLDEN) {
      CodeBleuScore s = codeBleu.score(scene(row[0]), scene(row[1]));
      String pair = row[0] + " vs " + row[1];
      assertThat(s.bleu()).as(pair).isCloseTo(Double.parseDouble(row[2]), within(1e-12));
      assertThat(s.weightedNgram()).as(pair).isCloseTo(Double.parseDouble(row[3]), within(1e-12));
      assertThat(s.syntaxMatch()).as(pair).isCloseTo(Double.parseDouble(row[4]), within(1e-12));
      assertThat(s.dataflowMatch()).as(pair).isCloseTo(Double.parseDouble(row[5]), within(1e-12));
      // no row has a data-flow match of 0, where our total deliberately differs ("dataflow or 1")
      assertThat(s.codeBleu()).as(pair).isCloseTo(Double.parseDouble(row[6]), within(1e-12));
    }
  }
}
