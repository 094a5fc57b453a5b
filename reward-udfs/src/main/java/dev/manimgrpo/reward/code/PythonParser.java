package dev.manimgrpo.reward.code;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.treesitter.TSInputEncoding;
import org.treesitter.TSLanguage;
import org.treesitter.TSNode;
import org.treesitter.TSParser;
import org.treesitter.TSTree;
import org.treesitter.TSTreeCursor;
import org.treesitter.TreeSitterPython;

/**
 * Parses Python source with tree-sitter (grammar {@code tree-sitter-python} 0.23, the grammar family the
 * official CodeBLEU uses) and copies the result into a {@link SyntaxTree}.
 *
 * <p><b>Not thread-safe.</b> A tree-sitter parser holds mutable native state; use one instance per thread
 * ({@link #forCurrentThread()}, which lives as long as its thread, e.g. a Spark executor task thread) or one
 * per call. The trees it returns are immutable Java objects and may be shared freely. Native memory of the
 * parser and of each intermediate tree is released by the bindings' cleaner once unreachable.
 *
 * <p>Cost: the native parse is cheap (about 0.5 ms for a 30-line scene here); copying the tree out costs
 * about 2 microseconds a node, because every JNI call that takes a {@code TSNode} marshals it field by field.
 * The copy therefore asks tree-sitter only for each node's symbol and field id, and for the positions of
 * leaves; inner nodes' positions are derived from their children.
 */
public final class PythonParser {

  private static final TSLanguage LANGUAGE = new TreeSitterPython();
  private static final ThreadLocal<PythonParser> PER_THREAD = ThreadLocal.withInitial(PythonParser::new);

  private final TSParser parser;
  /** Per-symbol type names and named flags, filled lazily (symbols are small ints; ERROR is 65535). */
  private String[] typeBySymbol = new String[512];
  private byte[] namedBySymbol = new byte[512];
  private final String[] fieldById;
  private byte[] buffer = new byte[0];
  private static final int KEPT_BUFFER_BYTES = 1 << 20;

  public PythonParser() {
    parser = new TSParser();
    if (!parser.setLanguage(LANGUAGE)) {
      throw new IllegalStateException("tree-sitter rejected the Python grammar (ABI mismatch)");
    }
    fieldById = new String[LANGUAGE.fieldCount() + 1];
    for (int i = 1; i < fieldById.length; i++) {
      fieldById[i] = LANGUAGE.fieldNameForId(i);
    }
  }

  /** The calling thread's parser (created on first use). */
  public static PythonParser forCurrentThread() {
    return PER_THREAD.get();
  }

  /** Parses {@code source} (null counts as empty) into a Java tree. */
  public SyntaxTree parse(String source) {
    String src = source == null ? "" : source;
    byte[] utf8 = src.getBytes(StandardCharsets.UTF_8);
    TSTree tree = parseNative(utf8);
    return copy(src, utf8, tree);
  }

  /** True when tree-sitter finds an ERROR or MISSING node in {@code source}; does not build a Java tree. */
  public boolean hasSyntaxError(String source) {
    byte[] utf8 = (source == null ? "" : source).getBytes(StandardCharsets.UTF_8);
    return parseNative(utf8).getRootNode().hasError();
  }

  TSTree parseNative(byte[] utf8) {
    byte[] buf = buffer;
    if (buf.length < Math.max(1, utf8.length)) {
      buf = new byte[Math.max(4096, utf8.length)];
      if (buf.length <= KEPT_BUFFER_BYTES) {
        buffer = buf; // kept for the next call; larger inputs get a one-off buffer
      }
    }
    TSTree tree = parser.parse(buf, null, (chunk, offset, point) -> {
      int n = Math.max(0, Math.min(chunk.length, utf8.length - offset));
      System.arraycopy(utf8, offset, chunk, 0, n);
      return n;
    }, TSInputEncoding.TSInputEncodingUTF8);
    if (tree == null) {
      parser.reset();
      throw new IllegalStateException("tree-sitter returned no tree");
    }
    return tree;
  }

  /** Tree-sitter's own S-expressions of the nodes, in preorder (for tests comparing with {@link SyntaxTree#sexp}). */
  List<String> nativeSexps(String source) {
    TSTree tree = parseNative(source.getBytes(StandardCharsets.UTF_8));
    List<String> out = new ArrayList<>();
    ArrayList<TSNode> stack = new ArrayList<>();
    stack.add(tree.getRootNode());
    List<TSNode> order = new ArrayList<>();
    // preorder, children in order
    while (!stack.isEmpty()) {
      TSNode n = stack.remove(stack.size() - 1);
      order.add(n);
      for (int i = n.getChildCount() - 1; i >= 0; i--) {
        stack.add(n.getChild(i));
      }
    }
    for (TSNode n : order) {
      out.add(n.toString());
    }
    return out;
  }

  private SyntaxTree copy(String src, byte[] utf8, TSTree tree) {
    TSNode root = tree.getRootNode();
    boolean hasError = root.hasError();
    Growing g = new Growing(Math.max(64, utf8.length / 3));
    TSTreeCursor cursor = new TSTreeCursor(root);
    int[] parentStack = new int[64];
    int depth = 0;
    TSNode node = cursor.currentNode();
    int current = add(g, node, -1, 0, hasError);
    while (true) {
      if (cursor.gotoFirstChild()) {
        if (depth == parentStack.length) {
          parentStack = Arrays.copyOf(parentStack, depth * 2);
        }
        parentStack[depth++] = current;
        node = cursor.currentNode();
        current = add(g, node, parentStack[depth - 1], cursor.currentFieldId(), hasError);
        continue;
      }
      // a leaf: its positions come from tree-sitter (an inner node's are derived from its children below)
      g.start[current] = TreeSitterAccess.startByte(node);
      g.end[current] = TreeSitterAccess.endByte(node);
      boolean advanced = false;
      while (depth > 0) {
        if (cursor.gotoNextSibling()) {
          node = cursor.currentNode();
          current = add(g, node, parentStack[depth - 1], cursor.currentFieldId(), hasError);
          advanced = true;
          break;
        }
        cursor.gotoParent();
        depth--;
      }
      if (!advanced) {
        break;
      }
    }
    int n = g.size;
    int[] childCount = new int[n];
    for (int i = 1; i < n; i++) {
      childCount[g.parent[i]]++;
    }
    int[][] children = new int[n][];
    for (int i = 0; i < n; i++) {
      children[i] = childCount[i] == 0 ? EMPTY : new int[childCount[i]];
    }
    int[] fill = new int[n];
    for (int i = 1; i < n; i++) {
      int p = g.parent[i];
      children[p][fill[p]++] = i;
    }
    // an inner node starts where its first child starts and ends where its last child ends
    for (int i = n - 1; i >= 0; i--) {
      if (children[i].length > 0) {
        g.start[i] = g.start[children[i][0]];
        g.end[i] = g.end[children[i][children[i].length - 1]];
      }
    }
    // the root also spans leading and trailing whitespace; take tree-sitter's own values
    g.start[0] = TreeSitterAccess.startByte(root);
    g.end[0] = TreeSitterAccess.endByte(root);
    return new SyntaxTree(src, utf8, Arrays.copyOf(g.type, n), Arrays.copyOf(g.named, n), Arrays.copyOf(g.missing, n),
        Arrays.copyOf(g.start, n), Arrays.copyOf(g.end, n), Arrays.copyOf(g.parent, n), children,
        Arrays.copyOf(g.field, n), hasError);
  }

  private static final int[] EMPTY = new int[0];

  private int add(Growing g, TSNode node, int parentIndex, int fieldId, boolean treeHasError) {
    int symbol = TreeSitterAccess.symbol(node);
    if (symbol >= typeBySymbol.length) {
      int len = Math.max(symbol + 1, typeBySymbol.length * 2);
      typeBySymbol = Arrays.copyOf(typeBySymbol, len);
      namedBySymbol = Arrays.copyOf(namedBySymbol, len);
    }
    String type = typeBySymbol[symbol];
    if (type == null) {
      type = node.getType().intern();
      typeBySymbol[symbol] = type;
      namedBySymbol[symbol] = (byte) (node.isNamed() ? 1 : 0);
    }
    int i = g.grow();
    g.type[i] = type;
    g.named[i] = namedBySymbol[symbol] == 1;
    g.missing[i] = treeHasError && TreeSitterAccess.isMissing(node);
    g.parent[i] = parentIndex;
    g.field[i] = fieldId > 0 && fieldId < fieldById.length ? fieldById[fieldId] : null;
    return i;
  }

  /** Growable parallel arrays. */
  private static final class Growing {
    String[] type;
    boolean[] named;
    boolean[] missing;
    int[] start;
    int[] end;
    int[] parent;
    String[] field;
    int size;

    Growing(int capacity) {
      type = new String[capacity];
      named = new boolean[capacity];
      missing = new boolean[capacity];
      start = new int[capacity];
      end = new int[capacity];
      parent = new int[capacity];
      field = new String[capacity];
    }

    int grow() {
      if (size == type.length) {
        int c = size * 2;
        type = Arrays.copyOf(type, c);
        named = Arrays.copyOf(named, c);
        missing = Arrays.copyOf(missing, c);
        start = Arrays.copyOf(start, c);
        end = Arrays.copyOf(end, c);
        parent = Arrays.copyOf(parent, c);
        field = Arrays.copyOf(field, c);
      }
      return size++;
    }
  }
}
