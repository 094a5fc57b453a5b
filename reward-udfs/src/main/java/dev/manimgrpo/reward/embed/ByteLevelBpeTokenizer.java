package dev.manimgrpo.reward.embed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The byte-level BPE tokenizer of GPT-2 / RoBERTa / CodeBERT, read from a model's
 * {@code vocab.json} and {@code merges.txt}: text is split with GPT-2's pattern, each piece's
 * UTF-8 bytes are mapped to printable characters, then merged by rank. Any string encodes
 * (unknown pieces fall back to {@code <unk>}). Sequences are wrapped in {@code <s> ... </s>}
 * and cut to {@code maxLength}.
 */
public final class ByteLevelBpeTokenizer {

  private static final Pattern PIECES = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
  private static final char[] BYTE_TO_CHAR = byteToChar();

  private final Map<String, Integer> vocab;
  private final Map<String, Integer> ranks = new HashMap<>();
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();
  private final int bos;
  private final int eos;
  private final int unk;
  private final int maxLength;

  public ByteLevelBpeTokenizer(Map<String, Integer> vocab, List<String> merges, int maxLength) {
    this.vocab = Map.copyOf(vocab);
    for (int i = 0; i < merges.size(); i++) {
      ranks.put(merges.get(i), i);
    }
    this.bos = vocab.getOrDefault("<s>", 0);
    this.eos = vocab.getOrDefault("</s>", 2);
    this.unk = vocab.getOrDefault("<unk>", 3);
    if (maxLength < 3) {
      throw new IllegalArgumentException("maxLength must be at least 3");
    }
    this.maxLength = maxLength;
  }

  /** Reads {@code vocab.json} and {@code merges.txt} from a model folder. */
  public static ByteLevelBpeTokenizer load(Path dir, int maxLength) throws IOException {
    Map<String, Integer> vocab = new ObjectMapper().readValue(dir.resolve("vocab.json").toFile(),
        new TypeReference<Map<String, Integer>>() {});
    List<String> merges = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("merges.txt"), StandardCharsets.UTF_8)) {
      if (!line.startsWith("#version") && !line.isBlank()) {
        merges.add(line.strip());
      }
    }
    return new ByteLevelBpeTokenizer(vocab, merges, maxLength);
  }

  /** The BPE tokens of {@code text}, without special tokens. */
  public List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PIECES.matcher(text);
    while (m.find()) {
      out.addAll(cache.computeIfAbsent(m.group(), this::bpe));
    }
    return out;
  }

  /** Token ids: {@code <s>}, the text's tokens (cut to fit), {@code </s>}. */
  public long[] encode(String text) {
    List<String> toks = tokens(text);
    int n = Math.min(toks.size(), maxLength - 2);
    long[] ids = new long[n + 2];
    ids[0] = bos;
    for (int i = 0; i < n; i++) {
      ids[i + 1] = vocab.getOrDefault(toks.get(i), unk);
    }
    ids[n + 1] = eos;
    return ids;
  }

  private List<String> bpe(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    List<String> word = new ArrayList<>(bytes.length);
    for (byte b : bytes) {
      word.add(String.valueOf(BYTE_TO_CHAR[b & 0xff]));
    }
    while (word.size() > 1) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < word.size(); i++) {
        Integer r = ranks.get(word.get(i) + " " + word.get(i + 1));
        if (r != null && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      String a = word.get(best);
      String b = word.get(best + 1);
      List<String> merged = new ArrayList<>(word.size());
      for (int i = 0; i < word.size(); i++) {
        if (i + 1 < word.size() && word.get(i).equals(a) && word.get(i + 1).equals(b)) {
          merged.add(a + b);
          i++;
        } else {
          merged.add(word.get(i));
        }
      }
      word = merged;
    }
    return word;
  }

  /** GPT-2's reversible byte to printable-character table. */
  private static char[] byteToChar() {
    char[] map = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      map[b] = printable[b] ? (char) b : (char) (256 + n++);
    }
    return map;
  }

  /** The printable character GPT-2 uses for byte {@code b} (for tests and vocab building). */
  public static char charFor(int b) {
    return BYTE_TO_CHAR[b & 0xff];
  }
}
