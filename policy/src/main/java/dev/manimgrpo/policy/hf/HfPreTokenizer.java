package dev.manimgrpo.policy.hf;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} of a {@code tokenizer.json}: cuts the text between added tokens into
 * the words BPE merges within. The kinds byte-level BPE tokenizers use are supported: {@link Split}
 * (a regex or a literal string, with each of the library's five delimiter behaviours and {@code
 * invert}), {@link ByteLevel} and a {@link Sequence} of them. Empty pieces are dropped, as the
 * library drops them.
 */
sealed interface HfPreTokenizer {

  /** The pieces {@code pieces} become (a new list). */
  List<String> apply(List<String> pieces);

  /** Whether this is or contains a {@link ByteLevel} step. */
  boolean isByteLevel();

  /** What {@code Split} does with the matches of its pattern (the library's {@code SplitDelimiterBehavior}). */
  enum Behavior {
    /** Matches are removed, the text between them kept. */
    REMOVED,
    /** Matches and the text between them are pieces of their own. */
    ISOLATED,
    /** A match joins the piece before it. */
    MERGED_WITH_PREVIOUS,
    /** A match joins the piece after it. */
    MERGED_WITH_NEXT,
    /** Adjacent matches form one piece. */
    CONTIGUOUS;

    static Behavior of(String name) {
      return switch (name) {
        case "Removed" -> REMOVED;
        case "Isolated" -> ISOLATED;
        case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
        case "MergedWithNext" -> MERGED_WITH_NEXT;
        case "Contiguous" -> CONTIGUOUS;
        default -> throw new IllegalArgumentException("Split behavior \"" + name + "\" is not one of Removed, "
            + "Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
      };
    }
  }

  /**
   * {@code Split}: the pattern's matches, found as Oniguruma finds them (an empty match right where
   * the previous match ended is skipped), then grouped by {@code behavior}; with {@code invert} the
   * text between matches is what counts as matched.
   */
  record Split(Pattern pattern, Behavior behavior, boolean invert) implements HfPreTokenizer {

    @Override
    public List<String> apply(List<String> pieces) {
      List<String> out = new ArrayList<>(pieces.size() * 4);
      for (String piece : pieces) {
        split(piece, out);
      }
      return out;
    }

    @Override
    public boolean isByteLevel() {
      return false;
    }

    private void split(String s, List<String> out) {
      if (s.isEmpty()) {
        return;
      }
      // (start, end, matched) of each span, covering s.
      List<int[]> spans = new ArrayList<>();
      Matcher m = pattern.matcher(s);
      int prev = 0;
      int lastMatchEnd = -1;
      int from = 0;
      while (from <= s.length() && m.find(from)) {
        int start = m.start();
        int end = m.end();
        if (start == end && end == lastMatchEnd) {
          from = end < s.length() ? s.offsetByCodePoints(end, 1) : end + 1;
          continue;
        }
        if (prev != start) {
          spans.add(new int[] {prev, start, invert ? 1 : 0});
        }
        spans.add(new int[] {start, end, invert ? 0 : 1});
        prev = end;
        lastMatchEnd = end;
        from = end;
      }
      if (prev != s.length()) {
        spans.add(new int[] {prev, s.length(), invert ? 1 : 0});
      }
      for (int[] span : group(spans)) {
        if (span[1] > span[0]) {
          out.add(s.substring(span[0], span[1]));
        }
      }
    }

    /** The library's {@code NormalizedString::split}: spans to the pieces kept. */
    private List<int[]> group(List<int[]> spans) {
      List<int[]> acc = new ArrayList<>(spans.size());
      switch (behavior) {
        case ISOLATED -> acc.addAll(spans);
        case REMOVED -> spans.stream().filter(sp -> sp[2] == 0).forEach(acc::add);
        case CONTIGUOUS -> {
          boolean previousMatch = false;
          for (int[] sp : spans) {
            boolean match = sp[2] == 1;
            if (match == previousMatch && !acc.isEmpty()) {
              acc.get(acc.size() - 1)[1] = sp[1];
            } else {
              acc.add(sp.clone());
            }
            previousMatch = match;
          }
        }
        case MERGED_WITH_PREVIOUS -> {
          boolean previousMatch = false;
          for (int[] sp : spans) {
            boolean match = sp[2] == 1;
            if (match && !previousMatch && !acc.isEmpty()) {
              acc.get(acc.size() - 1)[1] = sp[1];
            } else {
              acc.add(sp.clone());
            }
            previousMatch = match;
          }
        }
        case MERGED_WITH_NEXT -> {
          boolean previousMatch = false;
          List<int[]> reversed = new ArrayList<>();
          for (int k = spans.size() - 1; k >= 0; k--) {
            int[] sp = spans.get(k);
            boolean match = sp[2] == 1;
            if (match && !previousMatch && !reversed.isEmpty()) {
              reversed.get(reversed.size() - 1)[0] = sp[0];
            } else {
              reversed.add(sp.clone());
            }
            previousMatch = match;
          }
          for (int k = reversed.size() - 1; k >= 0; k--) {
            acc.add(reversed.get(k));
          }
        }
        default -> throw new IllegalStateException(behavior.toString());
      }
      return acc;
    }
  }

  /**
   * {@code ByteLevel}: with {@code add_prefix_space} a space is put before every piece that does not
   * start with one; with {@code use_regex} the piece is cut by GPT-2's regex; then each piece becomes
   * its byte-level characters ({@link HfByteLevel}). {@code trim_offsets} only moves offsets.
   */
  record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements HfPreTokenizer {

    private static final Split GPT2 = new Split(HfByteLevel.GPT2_SPLIT, Behavior.ISOLATED, false);

    @Override
    public List<String> apply(List<String> pieces) {
      List<String> cut = new ArrayList<>(pieces.size());
      for (String p : pieces) {
        if (!p.isEmpty()) {
          cut.add(addPrefixSpace && !p.startsWith(" ") ? " " + p : p);
        }
      }
      if (useRegex) {
        cut = GPT2.apply(cut);
      }
      List<String> out = new ArrayList<>(cut.size());
      for (String p : cut) {
        if (!p.isEmpty()) {
          out.add(HfByteLevel.encode(p));
        }
      }
      return out;
    }

    @Override
    public boolean isByteLevel() {
      return true;
    }
  }

  /** {@code Sequence}: each step applied to all the pieces of the one before. */
  record Sequence(List<HfPreTokenizer> steps) implements HfPreTokenizer {

    public Sequence {
      steps = List.copyOf(steps);
    }

    @Override
    public List<String> apply(List<String> pieces) {
      List<String> out = pieces;
      for (HfPreTokenizer step : steps) {
        out = step.apply(out);
      }
      return out;
    }

    @Override
    public boolean isByteLevel() {
      return steps.stream().anyMatch(HfPreTokenizer::isByteLevel);
    }
  }
}
