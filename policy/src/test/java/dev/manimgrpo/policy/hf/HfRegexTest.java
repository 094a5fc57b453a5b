package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link HfRegex}: the Java forms of the published split patterns, and each translation rule on its
 * own (the oracle test checks them all against Oniguruma).
 */
class HfRegexTest {

  /** Qwen2's (and Qwen2.5's, Qwen3's) split: Llama 3's with \p{N} alone. */
  static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
      + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  @Test
  void llama3AndQwen2PatternsAreJavaAsTheyAre() {
    // Nothing to rewrite: the difference is the Unicode flag compile() adds.
    assertThat(HfRegex.translate(HfTokenizerTest.LLAMA3_SPLIT)).isEqualTo(HfTokenizerTest.LLAMA3_SPLIT);
    assertThat(HfRegex.translate(QWEN2_SPLIT)).isEqualTo(QWEN2_SPLIT);
    assertThat(HfRegex.compile(QWEN2_SPLIT).flags() & Pattern.UNICODE_CHARACTER_CLASS).isNotZero();
  }

  @Test
  void llama3SplitCutsAsTheLibraryDoes() {
    Pattern p = HfRegex.compile(HfTokenizerTest.LLAMA3_SPLIT);
    assertThat(matches(p, "it's  12345 x\u00a0\u00a0\u00a0y")).containsExactly("it", "'s", " ", " ", "123", "45",
        " x", "\u00a0\u00a0", "\u00a0y");
    // (?i) folds Unicode case: the long s (U+017F) is an s
    assertThat(matches(p, "it'\u017fx")).containsExactly("it", "'\u017f", "x");
  }

  @Test
  void anIntervalFollowedByPlusRepeatsTheInterval() {
    String tiktoken = "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+"
        + "|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";
    assertThat(HfRegex.translate(tiktoken)).isEqualTo("'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++"
        + "|\\p{N}{1,}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++(?=\\n|\\z)|\\s*[\\r\\n]|\\s+(?!\\S)|\\s");
    assertThat(matches(HfRegex.compile("\\p{N}{1,3}+"), "12345678901")).containsExactly("12345678901");
    // counts that are not all reachable keep the group
    assertThat(HfRegex.translate("a{3}+")).isEqualTo("(?:a{3})+");
    assertThat(HfRegex.translate("(ab){3,4}+")).isEqualTo("(?:(ab){3,4})+");
    assertThat(HfRegex.translate("(ab){2,3}+")).isEqualTo("(ab){2,}");
    assertThat(HfRegex.translate("x{,2}")).isEqualTo("x{0,2}");
    assertThat(HfRegex.translate("a{b")).isEqualTo("a\\{b");
  }

  @Test
  void anchorsAndTheDotAreOnigurumasLineRules() {
    assertThat(HfRegex.translate("^a.b$")).isEqualTo("(?:\\A|(?<=\\n)(?!\\z))a[^\\n]b(?=\\n|\\z)");
    Pattern p = HfRegex.compile(" +$|a.b");
    assertThat(matches(p, "a\rb a\u2028b a\nb x  \ny  ")).containsExactly("a\rb", "a\u2028b", "  ", "  ");
    assertThat(HfRegex.translate("x\\Z")).isEqualTo("x(?=\\n?\\z)");
  }

  @Test
  void propertiesHexAndPosixBracketsGetJavasSpelling() {
    assertThat(HfRegex.translate("\\p{Han}\\p{^L}\\P{^N}")).isEqualTo("\\p{IsHan}\\P{L}\\p{N}");
    assertThat(HfRegex.translate("\\h+[\\h_]\\H")).isEqualTo("[0-9a-fA-F]+[0-9a-fA-F_][^0-9a-fA-F]");
    assertThat(HfRegex.translate("[[:alpha:][:^digit:]]")).isEqualTo("[\\p{Alpha}\\P{Digit}]");
    assertThat(HfRegex.translate("(?m:a.)(?#note)b")).isEqualTo("(?s:a[^\\n])b");
  }

  @Test
  void constructsWithoutAJavaEquivalentAreRefusedByName() {
    assertThatThrownBy(() -> HfRegex.compile("a\\Kb")).hasMessageContaining("uses \\K");
    assertThatThrownBy(() -> HfRegex.compile("\\p{NoSuchProperty}")).hasMessageContaining("\\p{NoSuchProperty}");
    assertThatThrownBy(() -> HfRegex.compile("(?W)a")).hasMessageContaining("(?W");
    assertThatThrownBy(() -> HfRegex.compile("a)")).hasMessageContaining("unbalanced");
  }

  private static List<String> matches(Pattern p, String s) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
