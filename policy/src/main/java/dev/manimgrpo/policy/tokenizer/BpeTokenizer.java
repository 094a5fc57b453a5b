package dev.manimgrpo.policy.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE tokenizer: the policy's vocabulary.
 *
 * <p>Ids {@code 0..255} are the bytes (so every string is encodable, no unknown token), ids
 * {@code 256..256+merges-1} are the learned merges in the order they were learned, and the special
 * tokens follow. Text is cut by {@link PythonPreTokenizer} and each piece is merged on its own,
 * always applying the earliest-learned merge present, which reproduces what training did.
 *
 * <p>Special tokens are only ever placed by code ({@link #bosId()}, {@link #eosId()} and friends):
 * {@link #encode} treats the text {@code "<|eos|>"} as ordinary bytes, so a prompt or a generated
 * program can never forge one. Instances are immutable and thread-safe.
 */
public final class BpeTokenizer {

  public static final int BYTE_TOKENS = 256;
  public static final String BOS = "<|bos|>";
  public static final String EOS = "<|eos|>";
  public static final String PAD = "<|pad|>";
  /** The specials every tokenizer has, in id order after the merges. */
  public static final List<String> DEFAULT_SPECIALS = List.of(BOS, EOS, PAD);

  /** Pieces longer than this are encoded every time instead of filling the cache. */
  private static final int CACHE_MAX_PIECE_CHARS = 48;
  private static final int CACHE_MAX_ENTRIES = 100_000;

  private final List<Merge> merges;
  private final List<String> specials;
  private final Map<String, Integer> specialIds = new HashMap<>();
  private final PairIndex pairs;
  private final byte[][] tokenBytes;
  private final String fingerprint;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  /**
   * @param merges learned merges, merge {@code k} creating id {@code 256 + k}
   * @param specials special tokens, given ids after the merges; must contain bos, eos and pad
   */
  public BpeTokenizer(List<Merge> merges, List<String> specials) {
    this.merges = List.copyOf(merges);
    this.specials = List.copyOf(specials);
    int base = BYTE_TOKENS + this.merges.size();
    tokenBytes = new byte[base][];
    for (int b = 0; b < BYTE_TOKENS; b++) {
      tokenBytes[b] = new byte[] {(byte) b};
    }
    Map<Long, Integer> seen = new HashMap<>();
    for (int k = 0; k < this.merges.size(); k++) {
      Merge m = this.merges.get(k);
      int id = BYTE_TOKENS + k;
      if (m.left() >= id || m.right() >= id) {
        throw new IllegalArgumentException("merge " + k + " " + m + " names a token that does not exist yet (ids must be < " + id + ")");
      }
      Integer dup = seen.putIfAbsent(m.key(), k);
      if (dup != null) {
        throw new IllegalArgumentException("merge " + k + " " + m + " repeats merge " + dup);
      }
      byte[] l = tokenBytes[m.left()];
      byte[] r = tokenBytes[m.right()];
      byte[] both = Arrays.copyOf(l, l.length + r.length);
      System.arraycopy(r, 0, both, l.length, r.length);
      tokenBytes[id] = both;
    }
    for (int s = 0; s < this.specials.size(); s++) {
      String sp = this.specials.get(s);
      if (sp == null || sp.isEmpty()) {
        throw new IllegalArgumentException("special token " + s + " is empty");
      }
      if (specialIds.put(sp, base + s) != null) {
        throw new IllegalArgumentException("special token " + sp + " appears twice");
      }
    }
    for (String required : DEFAULT_SPECIALS) {
      if (!specialIds.containsKey(required)) {
        throw new IllegalArgumentException("special tokens " + this.specials + " lack " + required);
      }
    }
    pairs = new PairIndex(this.merges, this.merges.size());
    fingerprint = computeFingerprint();
  }

  /** Token ids of {@code text}; never contains a special id. */
  public int[] encode(String text) {
    IntList out = new IntList(text.length() / 3 + 4);
    int n = text.length();
    int i = 0;
    while (i < n) {
      int end = PythonPreTokenizer.pieceEnd(text, i);
      out.addAll(encodePiece(text.substring(i, end)));
      i = end;
    }
    return out.toArray();
  }

  /** Text of {@code ids}; specials appear as their literal text (e.g. {@code <|eos|>}). */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /**
   * Text of {@code ids}. Bytes that do not form complete UTF-8 (a generation cut mid-character)
   * decode to U+FFFD; they never make this throw.
   *
   * @param skipSpecials drop special tokens instead of writing their literal text
   * @throws IllegalArgumentException for an id outside the vocabulary
   */
  public String decode(int[] ids, boolean skipSpecials) {
    return Utf8Codec.decode(decodeBytes(ids, skipSpecials));
  }

  /** The raw bytes of {@code ids}, for callers that decode a stream incrementally. */
  public byte[] decodeBytes(int[] ids, boolean skipSpecials) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      if (isSpecial(id)) {
        if (!skipSpecials) {
          out.writeBytes(tokenBytes(id));
        }
      } else {
        out.writeBytes(bytesOf(id));
      }
    }
    return out.toByteArray();
  }

  /** Number of ids: 256 bytes + merges + specials (the model's embedding rows). */
  public int vocabSize() {
    return BYTE_TOKENS + merges.size() + specials.size();
  }

  public int bosId() {
    return specialId(BOS);
  }

  public int eosId() {
    return specialId(EOS);
  }

  public int padId() {
    return specialId(PAD);
  }

  /** Id of a special token. */
  public int specialId(String special) {
    Integer id = specialIds.get(special);
    if (id == null) {
      throw new IllegalArgumentException("no special token " + special + " (have " + specials + ")");
    }
    return id;
  }

  public boolean isSpecial(int id) {
    return id >= BYTE_TOKENS + merges.size() && id < vocabSize();
  }

  /** The bytes token {@code id} stands for (a copy); for a special, its literal text in UTF-8. */
  public byte[] tokenBytes(int id) {
    if (isSpecial(id)) {
      return specials.get(id - BYTE_TOKENS - merges.size()).getBytes(StandardCharsets.UTF_8);
    }
    return bytesOf(id).clone();
  }

  /** Readable form of one token for logs and debugging (partial UTF-8 shows as U+FFFD). */
  public String tokenText(int id) {
    return Utf8Codec.decode(tokenBytes(id));
  }

  public List<Merge> merges() {
    return merges;
  }

  public List<String> specialTokens() {
    return specials;
  }

  /** Name of the pre-tokenization rules this tokenizer uses. */
  public String preTokenizer() {
    return PythonPreTokenizer.ID;
  }

  /**
   * SHA-256 over the rules, merges and specials: two tokenizers with equal fingerprints encode
   * identically. Checkpoints can record it to refuse a mismatched vocabulary.
   */
  public String fingerprint() {
    return fingerprint;
  }

  private byte[] bytesOf(int id) {
    if (id < 0 || id >= tokenBytes.length) {
      throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
    }
    return tokenBytes[id];
  }

  private int[] encodePiece(String piece) {
    if (piece.length() > CACHE_MAX_PIECE_CHARS) {
      return merge(Utf8Codec.encode(piece));
    }
    int[] hit = cache.get(piece);
    if (hit != null) {
      return hit;
    }
    int[] ids = merge(Utf8Codec.encode(piece));
    if (cache.size() >= CACHE_MAX_ENTRIES) {
      cache.clear(); // crude bound; the hot pieces come back within a few lines
    }
    cache.put(piece, ids);
    return ids;
  }

  /** BPE on one piece: repeatedly apply the earliest-learned merge present, at every position. */
  private int[] merge(byte[] bytes) {
    int n = bytes.length;
    int[] sym = new int[n];
    for (int k = 0; k < n; k++) {
      sym[k] = bytes[k] & 0xFF;
    }
    while (n > 1) {
      int best = Integer.MAX_VALUE;
      for (int k = 0; k + 1 < n; k++) {
        int id = pairs.get(sym[k], sym[k + 1]);
        if (id >= 0 && id < best) {
          best = id;
        }
      }
      if (best == Integer.MAX_VALUE) {
        break;
      }
      Merge m = merges.get(best - BYTE_TOKENS);
      n = replacePair(sym, n, m.left(), m.right(), best);
    }
    return n == sym.length ? sym : Arrays.copyOf(sym, n);
  }

  /** Replaces each left-to-right occurrence of (left, right) in {@code sym[0, n)}; returns the new length. */
  static int replacePair(int[] sym, int n, int left, int right, int merged) {
    int w = 0;
    for (int r = 0; r < n; r++) {
      if (r + 1 < n && sym[r] == left && sym[r + 1] == right) {
        sym[w++] = merged;
        r++;
      } else {
        sym[w++] = sym[r];
      }
    }
    return w;
  }

  private String computeFingerprint() {
    StringBuilder sb = new StringBuilder(merges.size() * 10);
    sb.append(PythonPreTokenizer.ID).append('\n');
    for (Merge m : merges) {
      sb.append(m.left()).append(',').append(m.right()).append(';');
    }
    sb.append('\n');
    for (String s : specials) {
      sb.append(s.length()).append(':').append(s);
    }
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Growable int array, to avoid boxing while encoding. */
  static final class IntList {
    private int[] a;
    private int size;

    IntList(int capacity) {
      a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[size++] = v;
    }

    void addAll(int[] vs) {
      if (size + vs.length > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, size + vs.length));
      }
      System.arraycopy(vs, 0, a, size, vs.length);
      size += vs.length;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(a, size);
    }
  }
}
