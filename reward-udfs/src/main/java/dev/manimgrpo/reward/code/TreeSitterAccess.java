package dev.manimgrpo.reward.code;

import org.treesitter.TSNode;
import org.treesitter.TSParser;

/**
 * Direct access to the bindings' JNI entry points. The public {@link TSNode} getters first make a second
 * native call ({@code isNull}) for a null check, which doubled the cost of copying a tree; tree nodes reached
 * by a cursor are never null, so {@link PythonParser} calls the natives directly through this subclass
 * (protected static members of {@link TSParser} are accessible to subclasses). Never instantiated.
 */
final class TreeSitterAccess extends TSParser {

  private TreeSitterAccess() {
    throw new AssertionError();
  }

  static int symbol(TSNode node) {
    return ts_node_symbol(node);
  }

  static int startByte(TSNode node) {
    return ts_node_start_byte(node);
  }

  static int endByte(TSNode node) {
    return ts_node_end_byte(node);
  }

  static boolean isMissing(TSNode node) {
    return ts_node_is_missing(node);
  }
}
