/**
 * The code-level reward: CodeBLEU for Python (Ren et al. 2020) in pure Java with tree-sitter, a syntax-error
 * flag, a normalised AST edit distance, and the optional CodeBERT part of CodeBERTBLEU.
 *
 * <ul>
 *   <li>{@link dev.manimgrpo.reward.code.CodeRewardCalculator} computes a
 *       {@link dev.manimgrpo.reward.code.CodeReward} (every part, R_text) for a candidate against a
 *       {@link dev.manimgrpo.reward.code.CodeReference} prepared once per reference;</li>
 *   <li>{@link dev.manimgrpo.reward.code.CodeBleu} computes CodeBLEU alone
 *       ({@link dev.manimgrpo.reward.code.CodeBleuScore});</li>
 *   <li>the parts: {@link dev.manimgrpo.reward.code.NgramMatch}, {@link dev.manimgrpo.reward.code.SyntaxMatch},
 *       {@link dev.manimgrpo.reward.code.PythonDataFlow}, {@link dev.manimgrpo.reward.code.TreeEditDistance},
 *       on trees from {@link dev.manimgrpo.reward.code.PythonParser} with comments and docstrings removed
 *       as the original does ({@link dev.manimgrpo.reward.code.PythonSourceCleaner}).</li>
 * </ul>
 *
 * No Spark types here; the UDF wrappers live elsewhere.
 */
package dev.manimgrpo.reward.code;
