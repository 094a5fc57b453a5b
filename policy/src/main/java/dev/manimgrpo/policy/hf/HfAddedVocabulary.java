package dev.manimgrpo.policy.hf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The {@code added_tokens} of a {@code tokenizer.json} (special tokens such as {@code <|im_start|>}
 * and non-special ones such as Qwen's {@code <tool_call>}), found in the text before it is
 * normalized and pre-tokenized, as the tokenizers library's {@code AddedVocabulary} finds them:
 *
 * <ol>
 *   <li>tokens with {@code normalized: false} are matched in the raw text;
 *   <li>each stretch of text between them is normalized, and tokens with {@code normalized: true}
 *       are matched there, in their normalized form;
 *   <li>matching is leftmost-longest: at the first position where any token matches, the longest
 *       one; the scan goes on after it;
 *   <li>a {@code single_word} token is skipped where a word character (Unicode {@code \w}) touches
 *       it; {@code lstrip} / {@code rstrip} make the token take the white space before / after it
 *       (never reaching back into the previous token).
 * </ol>
 *
 * Each found token is one id; the text around goes on to the pre-tokenizer.
 */
final class HfAddedVocabulary {

  /** One entry of {@code added_tokens}, with the id the library gives it. */
  record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip,
      boolean singleWord, boolean normalized) {}

  /** A piece of the text: an added token's id, or -1 for text that goes on to the pre-tokenizer. */
  record Piece(String text, int id) {
    boolean isToken() {
      return id >= 0;
    }
  }

  private final Map<Integer, AddedToken> byId = new HashMap<>();
  private final Map<Integer, String> decoded = new HashMap<>();
  private final Set<String> specialContents = new HashSet<>();
  private final Map<String, Integer> idsByContent = new HashMap<>();
  private final TokenSet raw;
  private final TokenSet normalizedSet;
  private final UnaryOperator<String> normalizer;

  /**
   * @param normalizer the tokenizer's normalizer (identity when it has none); a normalized
   *                   token is matched, and decodes, in its normalized form, as in the library
   */
  HfAddedVocabulary(List<AddedToken> tokens, UnaryOperator<String> normalizer) {
    this.normalizer = normalizer;
    Map<String, Integer> rawTokens = new HashMap<>();
    Map<String, Integer> normalizedTokens = new HashMap<>();
    for (AddedToken t : tokens) {
      byId.put(t.id(), t);
      idsByContent.put(t.content(), t.id());
      if (t.special()) {
        specialContents.add(t.content());
      }
      if (t.normalized()) {
        String form = normalizer.apply(t.content());
        decoded.put(t.id(), form);
        normalizedTokens.put(form, t.id());
      } else {
        decoded.put(t.id(), t.content());
        rawTokens.put(t.content(), t.id());
      }
    }
    raw = new TokenSet(rawTokens);
    normalizedSet = new TokenSet(normalizedTokens);
  }

  boolean contains(int id) {
    return byId.containsKey(id);
  }

  /** The token string {@code id} decodes to (its normalized form for a normalized token), or null. */
  String tokenString(int id) {
    return decoded.get(id);
  }

  /** The id of the added token with this content, or null. */
  Integer idOf(String content) {
    return idsByContent.get(content);
  }

  /** Whether a token string is a special token's content (what the decoder skips on request). */
  boolean isSpecialContent(String token) {
    return specialContents.contains(token);
  }

  Iterable<AddedToken> tokens() {
    return byId.values();
  }

  /** Cuts {@code text} into added tokens and normalized text between them; no empty pieces. */
  List<Piece> extract(String text) {
    List<Piece> out = new ArrayList<>();
    for (Piece p : find(text, raw)) {
      if (p.isToken()) {
        out.add(p);
      } else {
        out.addAll(find(normalizer.apply(p.text()), normalizedSet));
      }
    }
    out.removeIf(p -> p.text().isEmpty());
    return out;
  }

  /** The library's {@code find_matches} on one piece. */
  private List<Piece> find(String s, TokenSet set) {
    List<Piece> out = new ArrayList<>();
    if (s.isEmpty()) {
      return out;
    }
    int startOffset = 0;
    int from = 0;
    while (true) {
      int[] m = set.leftmostLongest(s, from);
      if (m == null) {
        break;
      }
      from = m[1];
      int start = m[0];
      int stop = m[1];
      AddedToken t = byId.get(m[2]);
      if (t.singleWord()) {
        boolean startSpace = start == 0 || !isWord(s.codePointBefore(start));
        boolean stopSpace = stop == s.length() || !isWord(s.codePointAt(stop));
        if (!startSpace || !stopSpace) {
          continue;
        }
      }
      if (t.lstrip()) {
        int newStart = start;
        while (newStart > 0 && isWhiteSpace(s.codePointBefore(newStart))) {
          newStart -= Character.charCount(s.codePointBefore(newStart));
        }
        start = Math.max(newStart, startOffset);
      }
      if (t.rstrip()) {
        while (stop < s.length() && isWhiteSpace(s.codePointAt(stop))) {
          stop += Character.charCount(s.codePointAt(stop));
        }
      }
      if (startOffset < start) {
        out.add(new Piece(s.substring(startOffset, start), -1));
      }
      out.add(new Piece(s.substring(start, stop), t.id()));
      startOffset = stop;
    }
    if (startOffset < s.length()) {
      out.add(new Piece(s.substring(startOffset), -1));
    }
    return out;
  }

  /** Unicode White_Space, the {@code \s} of Rust's regex crate that the library strips with. */
  static boolean isWhiteSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
        || cp == 0x3000;
  }

  /** Rust's Unicode {@code \w}: Alphabetic, marks, decimal digits, connector punctuation, joiners. */
  static boolean isWord(int cp) {
    if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK || type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.CONNECTOR_PUNCTUATION;
  }

  /** Token strings by first character, longest first: a leftmost-longest matcher. */
  private static final class TokenSet {
    private final Map<Character, String[]> byFirst = new HashMap<>();
    private final Map<String, Integer> ids;

    TokenSet(Map<String, Integer> tokens) {
      ids = Map.copyOf(tokens);
      Map<Character, List<String>> lists = new HashMap<>();
      for (String t : ids.keySet()) {
        if (!t.isEmpty()) {
          lists.computeIfAbsent(t.charAt(0), c -> new ArrayList<>()).add(t);
        }
      }
      lists.forEach((c, l) -> {
        l.sort(Comparator.comparingInt(String::length).reversed());
        byFirst.put(c, l.toArray(String[]::new));
      });
    }

    /** {start, end, id} of the leftmost-longest match at or after {@code from}, or null. */
    int[] leftmostLongest(String s, int from) {
      if (byFirst.isEmpty()) {
        return null;
      }
      for (int i = from; i < s.length(); i++) {
        String[] candidates = byFirst.get(s.charAt(i));
        if (candidates != null) {
          for (String t : candidates) {
            if (s.startsWith(t, i)) {
              return new int[] {i, i + t.length(), ids.get(t)};
            }
          }
        }
      }
      return null;
    }
  }
}
