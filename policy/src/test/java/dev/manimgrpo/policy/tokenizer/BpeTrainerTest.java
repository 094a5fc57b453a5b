package dev.manimgrpo.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.ManimBenchSample.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

  @Test
  void learnsTheMostFrequentPairFirstAndBreaksTiesBySmallerIds() {
    // Pieces "ab" x3 and "cd" x3 (commas are pieces of their own): a tie, (a, b) has the smaller ids.
    assertThat(new BpeTrainer(256 + 3 + 1).learnMerges(List.of("ab,ab,ab,cd,cd,cd"))).containsExactly(new Merge('a', 'b'));
    assertThat(new BpeTrainer(300).learnMerges(List.of("ab,ab,ab,cd,cd,cd,cd")))
        .containsExactly(new Merge('c', 'd'), new Merge('a', 'b'));
    BpeTokenizer t = new BpeTrainer(300).train(List.of("ab ab ab"));
    assertThat(t.encode(" ab")).hasSize(1);
  }

  @Test
  void stopsWhenNoPairRepeats() {
    BpeTokenizer t = new BpeTrainer(4096).train(List.of("abcabc xyz"));
    // Pieces "abcabc", " xyz": (a,b) and (b,c) occur twice; after (a,b), (ab,c) twice; then nothing repeats.
    assertThat(t.merges()).containsExactly(new Merge('a', 'b'), new Merge(256, 'c'));
    assertThat(t.encode("abcabc")).hasSize(2);
  }

  @Test
  void trainingIsDeterministicAndIndependentOfInputOrder() {
    List<String> texts = SampleCorpus.templatedTexts(SampleCorpus.samples());
    List<String> shuffled = new ArrayList<>(texts);
    Collections.shuffle(shuffled, new Random(3));
    BpeTokenizer a = new BpeTrainer(1024).train(texts);
    BpeTokenizer b = new BpeTrainer(1024).train(texts);
    BpeTokenizer c = new BpeTrainer(1024).train(shuffled);
    assertThat(b.merges()).isEqualTo(a.merges());
    assertThat(c.merges()).isEqualTo(a.merges());
    assertThat(c.fingerprint()).isEqualTo(a.fingerprint());
  }

  @Test
  void mergesNeverCrossPieceBoundaries() {
    BpeTokenizer t = SampleCorpus.tokenizer(2048);
    for (String text : SampleCorpus.templatedTexts(SampleCorpus.samples())) {
      java.util.Set<Integer> tokenEnds = new java.util.HashSet<>();
      int at = 0;
      for (int id : t.encode(text)) {
        at += t.tokenBytes(id).length;
        tokenEnds.add(at);
      }
      int pieceEnd = 0;
      for (String piece : PythonPreTokenizer.split(text)) {
        pieceEnd += Utf8Codec.encode(piece).length;
        assertThat(tokenEnds).as("a token spans the end of piece '%s'", piece).contains(pieceEnd);
      }
    }
  }

  @Test
  void matchesTheTrainingSegmentationWhenEncoding() {
    // Encoding a training piece applies the merges in the order they were learned.
    BpeTokenizer t = new BpeTrainer(400).train(List.of("self.play(self.play(self.add( self self"));
    assertThat(t.encode("self")).hasSize(1);
    assertThat(t.encode(" self")).hasSize(1);
  }

  @Test
  void compressesManimCodeAndReportsTrainingTime() {
    List<ManimBenchSample> all = SampleCorpus.samples();
    List<ManimBenchSample> train = all.stream().filter(s -> s.split() == Split.train).toList();
    List<String> heldOutCode = all.stream().filter(s -> s.split() == Split.test).map(ManimBenchSample::code).toList();
    List<String> allCode = SampleCorpus.codes();
    List<String> trainTexts = SampleCorpus.templatedTexts(all);
    System.out.printf("corpus: %d samples, %d bytes of templated text, %d bytes of code%n",
        all.size(), SampleCorpus.utf8Length(trainTexts), SampleCorpus.utf8Length(allCode));
    new BpeTrainer(2048).train(trainTexts); // JIT warm-up, so the timings below are steady-state
    for (int vocab : new int[] {1024, 2048}) {
      long t0 = System.nanoTime();
      BpeTokenizer t = new BpeTrainer(vocab).train(trainTexts);
      double trainMs = (System.nanoTime() - t0) / 1e6;
      BpeTokenizer tTrainSplit = new BpeTrainer(vocab).train(SampleCorpus.templatedTexts(train));
      double inSample = tokensPerByte(t, allCode);
      double heldOut = tokensPerByte(tTrainSplit, heldOutCode);
      System.out.printf("vocab %d: actual %d (%d merges), trained in %.0f ms; tokens/byte on all code %.3f; "
          + "trained on train split, on test-split code %.3f%n", vocab, t.vocabSize(), t.merges().size(), trainMs, inSample, heldOut);
      assertThat(inSample).isLessThan(0.5);
      assertThat(heldOut).isLessThan(0.5);
      assertThat(trainMs).isLessThan(5_000);
    }
  }

  @Test
  void trainsOnHalfAMegabyteInAFewSeconds() {
    // Synthetic but code-shaped: the corpus with renamed identifiers, so pieces keep varying.
    Random rnd = new Random(11);
    List<String> codes = SampleCorpus.codes();
    List<String> texts = new ArrayList<>();
    int bytes = 0;
    while (bytes < 500_000) {
      String c = codes.get(rnd.nextInt(codes.size())).replace("self", "s" + rnd.nextInt(500)).replace("0.", rnd.nextInt(50) + ".");
      texts.add(c);
      bytes += c.length();
    }
    long t0 = System.nanoTime();
    BpeTokenizer t = new BpeTrainer(2048).train(texts);
    double ms = (System.nanoTime() - t0) / 1e6;
    System.out.printf("trained vocab %d on %d KB in %.0f ms%n", t.vocabSize(), bytes / 1000, ms);
    assertThat(t.vocabSize()).isEqualTo(2048);
    assertThat(ms).isLessThan(10_000);
  }

  @Test
  void rejectsImpossibleOptions() {
    assertThatThrownBy(() -> new BpeTrainer(200)).hasMessageContaining("below 256");
    assertThatThrownBy(() -> new BpeTrainer(1024, BpeTokenizer.DEFAULT_SPECIALS, 0)).hasMessageContaining("minPairCount");
  }

  private static double tokensPerByte(BpeTokenizer t, List<String> texts) {
    long tokens = texts.stream().mapToLong(s -> t.encode(s).length).sum();
    return (double) tokens / SampleCorpus.utf8Length(texts);
  }
}
