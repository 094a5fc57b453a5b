package dev.manimgrpo.policy.hf;

import java.util.Arrays;

/**
 * What the {@code post_processor} of a {@code tokenizer.json} adds around one sequence when special
 * tokens are asked for: {@code prefix + ids + suffix}. {@code TemplateProcessing} contributes the
 * special tokens of its {@code single} template before and after {@code $A}; {@code ByteLevel} only
 * moves offsets (nothing here); a {@code Sequence} applies its processors in order, each wrapping
 * what the one before made. Without special tokens nothing is added, as in the library.
 *
 * @param prefix ids put before the sequence (Llama 3: {@code <|begin_of_text|>})
 * @param suffix ids put after it
 */
record HfPostProcessor(int[] prefix, int[] suffix) {

  static final HfPostProcessor NONE = new HfPostProcessor(new int[0], new int[0]);

  HfPostProcessor {
    prefix = prefix.clone();
    suffix = suffix.clone();
  }

  /** This processor applied after {@code inner}: its prefix before inner's, its suffix after. */
  HfPostProcessor around(HfPostProcessor inner) {
    return new HfPostProcessor(concat(prefix, inner.prefix), concat(inner.suffix, suffix));
  }

  int[] apply(int[] ids) {
    if (prefix.length == 0 && suffix.length == 0) {
      return ids;
    }
    int[] out = new int[prefix.length + ids.length + suffix.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(ids, 0, out, prefix.length, ids.length);
    System.arraycopy(suffix, 0, out, prefix.length + ids.length, suffix.length);
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
