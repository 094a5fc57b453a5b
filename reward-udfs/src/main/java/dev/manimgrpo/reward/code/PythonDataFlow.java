package dev.manimgrpo.reward.code;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * CodeBLEU's data-flow graph for Python ({@code parser/DFG.py: DFG_python}, {@code dataflow_match.py:
 * get_data_flow, normalize_dataflow}), ported rule for rule.
 *
 * <p><b>Tokens</b> are the tree's leaves plus whole {@code string} nodes, minus comments, in source order
 * ({@code tree_to_token_index}); a token's code is its text with newlines removed. A token whose text equals
 * its node type (keywords, punctuation) never carries data flow.
 *
 * <p><b>Edges</b> ({@link Flow}): {@code (var, idx, relation, parentNames, parentIdx)}. An identifier read
 * while a previous definition of the same name is live gets {@code comesFrom} that definition; the targets of
 * {@code assignment}, {@code augmented_assignment}, {@code for_in_clause}, {@code for_statement} and
 * {@code default_parameter} get {@code computedFrom} / {@code comesFrom} every non-keyword token of the value
 * side (identifiers and literals); {@code if}/{@code elif}/{@code else} branches merge their live
 * definitions; {@code for} and {@code while} bodies are walked twice (loop-carried flow). The flows are then
 * sorted by token index, flows that neither have parents nor are anyone's parent are dropped, and flows of
 * the same token merged.
 *
 * <p><b>Normalisation</b>: names are replaced by {@code var_0, var_1, ...} in order of first appearance over
 * the whole list (parents of an item before the item itself), giving {@link NormalizedFlow}
 * {@code (var_i, relation, [var_j ...])}; the token index is dropped. So consistently renamed variables give
 * the same normalised graph.
 *
 * <p>Deviations, all in corner cases: where the original merges parent-name lists through a Python
 * {@code set} (iteration order depends on string hashing, so varies between runs) we keep first-occurrence
 * order, which is deterministic; tokens are keyed by node, not by (start, end) point, so zero-width tokens of
 * broken code cannot collide; text is cut by UTF-8 byte offsets (the original slices characters by byte
 * columns, which garbles lines with non-ASCII text). As in the original, any failure while building the
 * graph yields an empty graph: a missing field in broken code, recursion deeper than {@value #MAX_DEPTH}
 * (Python's default recursion limit), or a lookup of a leaf inside a string literal, which the original's
 * element-wise pairing reaches for e.g. {@code a, b, c = "xyz"} (three targets against the string's three
 * children) and fails on with a KeyError, so such a program has no data flow at all.
 *
 * <p>Checked against the original Python functions run on the same trees: identical items (parent lists
 * compared as sets) for 257 programs (250 standard-library modules and the test scenes).
 */
public final class PythonDataFlow {

  /** Python's default recursion limit; the original gives up (empty graph) past it. */
  public static final int MAX_DEPTH = 1000;

  static final String COMES_FROM = "comesFrom";
  static final String COMPUTED_FROM = "computedFrom";

  private static final Set<String> STRING_TYPES = Set.of("string_literal", "string", "character_literal");
  private static final Set<String> ASSIGNMENT = Set.of("assignment", "augmented_assignment", "for_in_clause");

  /** One data-flow item before normalisation. */
  public record Flow(String var, int idx, String relation, List<String> parentNames, List<Integer> parentIdx) {}

  /** One normalised data-flow item: {@code (var_i, relation, [var_j, ...])}. */
  public record NormalizedFlow(String var, String relation, List<String> parents) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
      return "(" + var + ", " + relation + ", " + parents + ")";
    }
  }

  private final SyntaxTree tree;
  private final int[] tokenIdx;
  private final String[] code;
  private int depth;

  private PythonDataFlow(SyntaxTree tree) {
    this.tree = tree;
    this.tokenIdx = new int[tree.size()];
    this.code = new String[tree.size()];
    Arrays.fill(tokenIdx, -1);
    // tree_to_token_index: preorder, stopping at tokens
    int next = 0;
    int[] stack = new int[Math.max(16, tree.size())];
    int sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      int node = stack[--sp];
      if (isToken(node)) {
        tokenIdx[node] = next++;
        String text = tree.text(node);
        code[node] = text.indexOf('\n') >= 0 ? text.replace("\n", "") : text;
        continue;
      }
      int[] kids = tree.childrenOf(node);
      for (int i = kids.length - 1; i >= 0; i--) {
        stack[sp++] = kids[i];
      }
    }
  }

  /** The data-flow items of a program, as {@code get_data_flow} returns them (after filtering and merging). */
  public static List<Flow> extract(SyntaxTree tree) {
    PythonDataFlow d = new PythonDataFlow(tree);
    List<Flow> dfg;
    try {
      dfg = d.dfg(0, new States()).flows;
    } catch (DfgFailure | IndexOutOfBoundsException | NullPointerException e) {
      dfg = List.of(); // the original: except Exception: DFG = []
    }
    dfg = new ArrayList<>(dfg);
    dfg.sort(Comparator.comparingInt(Flow::idx));
    Set<Integer> indexes = new HashSet<>();
    for (Flow f : dfg) {
      if (!f.parentIdx().isEmpty()) {
        indexes.add(f.idx());
      }
      indexes.addAll(f.parentIdx());
    }
    Map<Integer, Flow> merged = new LinkedHashMap<>();
    for (Flow f : dfg) {
      if (!indexes.contains(f.idx())) {
        continue;
      }
      Flow old = merged.get(f.idx());
      if (old == null) {
        merged.put(f.idx(), f);
      } else {
        merged.put(f.idx(), new Flow(f.var(), f.idx(), f.relation(), union(old.parentNames(), f.parentNames()),
            union(old.parentIdx(), f.parentIdx())));
      }
    }
    return new ArrayList<>(merged.values());
  }

  /** {@code normalize_dataflow}: names to var_i in order of first appearance, parents before the item. */
  public static List<NormalizedFlow> normalize(List<Flow> dataflow) {
    Map<String, String> names = new HashMap<>();
    List<NormalizedFlow> out = new ArrayList<>(dataflow.size());
    for (Flow f : dataflow) {
      for (String p : f.parentNames()) {
        names.computeIfAbsent(p, k -> "var_" + names.size());
      }
      names.computeIfAbsent(f.var(), k -> "var_" + names.size());
      List<String> parents = new ArrayList<>(f.parentNames().size());
      for (String p : f.parentNames()) {
        parents.add(names.get(p));
      }
      out.add(new NormalizedFlow(names.get(f.var()), f.relation(), List.copyOf(parents)));
    }
    return out;
  }

  /** Normalised data flow of a program. */
  public static List<NormalizedFlow> normalizedFlows(SyntaxTree tree) {
    return normalize(extract(tree));
  }

  // ---------------------------------------------------------------------------------------------------------

  private boolean isToken(int node) {
    String type = tree.type(node);
    return (tree.childCount(node) == 0 || STRING_TYPES.contains(type)) && !"comment".equals(type);
  }

  /** {@code tree_to_variable_index}: tokens under the node whose text differs from their type. */
  private List<Integer> variableTokens(int node) {
    if (node < 0) {
      throw new DfgFailure(); // the original calls this on None and fails
    }
    List<Integer> out = new ArrayList<>();
    int[] stack = new int[16];
    int sp = 0;
    stack[sp++] = node;
    while (sp > 0) {
      int n = stack[--sp];
      if (isToken(n)) {
        if (tokenIdx[n] < 0) {
          throw new DfgFailure(); // KeyError in the original, as above
        }
        if (!tree.type(n).equals(code[n])) {
          out.add(n);
        }
        continue;
      }
      int[] kids = tree.childrenOf(n);
      if (sp + kids.length > stack.length) {
        stack = Arrays.copyOf(stack, Math.max(stack.length * 2, sp + kids.length));
      }
      for (int i = kids.length - 1; i >= 0; i--) {
        stack[sp++] = kids[i];
      }
    }
    return out;
  }

  private static final class Result {
    final List<Flow> flows;
    final States states;

    Result(List<Flow> flows, States states) {
      this.flows = flows;
      this.states = states;
    }
  }

  private Result dfg(int node, States incoming) {
    if (++depth > MAX_DEPTH) {
      throw new DfgFailure();
    }
    try {
      return dfgInner(node, incoming.fork());
    } finally {
      depth--;
    }
  }

  private Result dfgInner(int node, States states) {
    String type = tree.type(node);
    if (isToken(node)) {
      int idx = tokenIdx[node];
      if (idx < 0) {
        // a leaf inside a string literal, reached e.g. by pairing "a, b, c = 'xyz'" element-wise with the
        // string's three children: the original's index_to_code lookup raises KeyError here
        throw new DfgFailure();
      }
      String c = code[node];
      if (type.equals(c)) {
        return new Result(List.of(), states);
      }
      List<Integer> live = states.get(c);
      if (live != null) {
        return new Result(List.of(new Flow(c, idx, COMES_FROM, List.of(c), live)), states);
      }
      if ("identifier".equals(type)) {
        states.put(c, List.of(idx));
      }
      return new Result(List.of(new Flow(c, idx, COMES_FROM, List.of(), List.of())), states);
    }
    if ("default_parameter".equals(type)) {
      int name = tree.childByFieldName(node, "name");
      int value = tree.childByFieldName(node, "value");
      List<Flow> dfg = new ArrayList<>();
      if (value < 0) {
        for (int t : variableTokens(name)) {
          dfg.add(new Flow(code[t], tokenIdx[t], COMES_FROM, List.of(), List.of()));
          states.put(code[t], List.of(tokenIdx[t]));
        }
        return new Result(sorted(dfg), states);
      }
      List<Integer> nameTokens = variableTokens(name);
      List<Integer> valueTokens = variableTokens(value);
      Result r = dfg(value, states);
      dfg.addAll(r.flows);
      states = r.states;
      for (int t1 : nameTokens) {
        for (int t2 : valueTokens) {
          dfg.add(new Flow(code[t1], tokenIdx[t1], COMES_FROM, List.of(code[t2]), List.of(tokenIdx[t2])));
        }
        states.put(code[t1], List.of(tokenIdx[t1]));
      }
      return new Result(sorted(dfg), states);
    }
    if (ASSIGNMENT.contains(type)) {
      List<Integer> leftNodes;
      List<Integer> rightNodes;
      if ("for_in_clause".equals(type)) {
        int[] kids = tree.childrenOf(node);
        rightNodes = List.of(kids[kids.length - 1]);
        leftNodes = Collections.singletonList(tree.childByFieldName(node, "left"));
      } else {
        int right = tree.childByFieldName(node, "right");
        if (right < 0) {
          return new Result(List.of(), states);
        }
        int left = tree.childByFieldName(node, "left");
        List<Integer>[] lr = pairSides(left, right);
        leftNodes = lr[0];
        rightNodes = lr[1];
      }
      List<Flow> dfg = new ArrayList<>();
      for (int n : rightNodes) {
        Result r = dfg(n, states);
        dfg.addAll(r.flows);
        states = r.states;
      }
      addComputedFrom(leftNodes, rightNodes, dfg, states);
      return new Result(sorted(dfg), states);
    }
    if ("if_statement".equals(type)) {
      List<Flow> dfg = new ArrayList<>();
      States current = states.fork();
      List<States> others = new ArrayList<>();
      boolean tag = type.contains("else");
      for (int child : tree.childrenOf(node)) {
        String ct = tree.type(child);
        if (ct.contains("else")) {
          tag = true;
        }
        if (!"elif_clause".equals(ct) && !"else_clause".equals(ct)) {
          Result r = dfg(child, current);
          dfg.addAll(r.flows);
          current = r.states;
        } else {
          Result r = dfg(child, states);
          dfg.addAll(r.flows);
          others.add(r.states);
        }
      }
      others.add(current);
      if (!tag) {
        others.add(states);
      }
      Map<String, TreeSet<Integer>> merged = new HashMap<>();
      for (States s : others) {
        for (Map.Entry<String, List<Integer>> e : s.entries()) {
          merged.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).addAll(e.getValue());
        }
      }
      States out = new States();
      for (Map.Entry<String, TreeSet<Integer>> e : merged.entrySet()) {
        out.put(e.getKey(), List.copyOf(e.getValue()));
      }
      return new Result(sorted(dfg), out);
    }
    if ("for_statement".equals(type)) {
      List<Flow> dfg = new ArrayList<>();
      int[] kids = tree.childrenOf(node);
      for (int i = 0; i < 2; i++) {
        int right = tree.childByFieldName(node, "right");
        int left = tree.childByFieldName(node, "left");
        if (right < 0 || left < 0) {
          throw new DfgFailure();
        }
        List<Integer>[] lr = pairSides(left, right);
        for (int n : lr[1]) {
          Result r = dfg(n, states);
          dfg.addAll(r.flows);
          states = r.states;
        }
        addComputedFrom(lr[0], lr[1], dfg, states);
        if (kids.length > 0 && "block".equals(tree.type(kids[kids.length - 1]))) {
          Result r = dfg(kids[kids.length - 1], states);
          dfg.addAll(r.flows);
          states = r.states;
        }
      }
      return new Result(sorted(mergeLoop(dfg)), states);
    }
    if ("while_statement".equals(type)) {
      List<Flow> dfg = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        for (int child : tree.childrenOf(node)) {
          Result r = dfg(child, states);
          dfg.addAll(r.flows);
          states = r.states;
        }
      }
      return new Result(sorted(mergeLoop(dfg)), states);
    }
    List<Flow> dfg = new ArrayList<>();
    int[] kids = tree.childrenOf(node);
    for (int child : kids) {
      if ("for_in_clause".equals(tree.type(child))) {
        Result r = dfg(child, states);
        dfg.addAll(r.flows);
        states = r.states;
      }
    }
    for (int child : kids) {
      if (!"for_in_clause".equals(tree.type(child))) {
        Result r = dfg(child, states);
        dfg.addAll(r.flows);
        states = r.states;
      }
    }
    return new Result(sorted(dfg), states);
  }

  /** Left and right node lists of an assignment-like node, with the original's length fix-ups. */
  @SuppressWarnings("unchecked")
  private List<Integer>[] pairSides(int left, int right) {
    if (left < 0 || right < 0) {
      throw new DfgFailure();
    }
    List<Integer> leftNodes = nonCommaChildren(left);
    List<Integer> rightNodes = nonCommaChildren(right);
    if (rightNodes.size() != leftNodes.size()) {
      leftNodes = List.of(left);
      rightNodes = List.of(right);
    }
    if (leftNodes.isEmpty()) {
      leftNodes = List.of(left);
    }
    if (rightNodes.isEmpty()) {
      rightNodes = List.of(right);
    }
    return new List[] {leftNodes, rightNodes};
  }

  private List<Integer> nonCommaChildren(int node) {
    List<Integer> out = new ArrayList<>();
    for (int c : tree.childrenOf(node)) {
      if (!",".equals(tree.type(c))) {
        out.add(c);
      }
    }
    return out;
  }

  private void addComputedFrom(List<Integer> leftNodes, List<Integer> rightNodes, List<Flow> dfg, States states) {
    int pairs = Math.min(leftNodes.size(), rightNodes.size());
    for (int k = 0; k < pairs; k++) {
      List<Integer> leftTokens = variableTokens(leftNodes.get(k));
      List<Integer> rightTokens = variableTokens(rightNodes.get(k));
      List<String> names = new ArrayList<>(rightTokens.size());
      List<Integer> idxs = new ArrayList<>(rightTokens.size());
      for (int t : rightTokens) {
        names.add(code[t]);
        idxs.add(tokenIdx[t]);
      }
      List<String> namesView = Collections.unmodifiableList(names);
      List<Integer> idxView = Collections.unmodifiableList(idxs);
      for (int t1 : leftTokens) {
        dfg.add(new Flow(code[t1], tokenIdx[t1], COMPUTED_FROM, namesView, idxView));
        states.put(code[t1], List.of(tokenIdx[t1]));
      }
    }
  }

  /** The loop merge: items with the same (var, idx, relation) merged, parent idx sorted, ordered by idx. */
  private static List<Flow> mergeLoop(List<Flow> dfg) {
    Map<List<Object>, Flow> byKey = new LinkedHashMap<>();
    for (Flow f : dfg) {
      List<Object> key = List.of(f.var(), f.idx(), f.relation());
      Flow old = byKey.get(key);
      if (old == null) {
        byKey.put(key, f);
      } else {
        TreeSet<Integer> idx = new TreeSet<>(old.parentIdx());
        idx.addAll(f.parentIdx());
        byKey.put(key, new Flow(f.var(), f.idx(), f.relation(), union(old.parentNames(), f.parentNames()),
            List.copyOf(idx)));
      }
    }
    List<Flow> out = new ArrayList<>(byKey.values());
    out.sort(Comparator.comparingInt(Flow::idx));
    return out;
  }

  private static <T> List<T> union(List<T> a, List<T> b) {
    LinkedHashSet<T> s = new LinkedHashSet<>(a);
    s.addAll(b);
    return List.copyOf(s);
  }

  private static List<Flow> sorted(List<Flow> dfg) {
    dfg.sort(Comparator.comparingInt(Flow::idx));
    return dfg;
  }

  /** Python dict semantics of {@code states}: each call copies on entry; copy-on-write makes that cheap. */
  private static final class States {
    private Map<String, List<Integer>> map;
    private boolean owned;

    States() {
      this.map = new HashMap<>();
      this.owned = true;
    }

    private States(Map<String, List<Integer>> map) {
      this.map = map;
      this.owned = false;
    }

    /** A logical copy: both this and the copy must copy the map before their next write. */
    States fork() {
      owned = false;
      return new States(map);
    }

    List<Integer> get(String key) {
      return map.get(key);
    }

    void put(String key, List<Integer> value) {
      if (!owned) {
        map = new HashMap<>(map);
        owned = true;
      }
      map.put(key, value);
    }

    Iterable<Map.Entry<String, List<Integer>>> entries() {
      return map.entrySet();
    }
  }

  /** The original's {@code except Exception: DFG = []}. */
  private static final class DfgFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DfgFailure() {
      super(null, null, false, false);
    }
  }
}
