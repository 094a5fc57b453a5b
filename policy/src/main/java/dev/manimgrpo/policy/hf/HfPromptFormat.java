package dev.manimgrpo.policy.hf;

import dev.manimgrpo.core.policy.ChatPrompt;
import dev.manimgrpo.core.policy.PromptTemplate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one place that decides how a Hugging Face model is prompted, for sampling and for training
 * alike: a model whose tokenizer files carry a chat template is an instruction model and gets
 * {@link ChatPrompt}'s messages in its own template, answering with a fenced code block and its
 * end-of-turn token; a base model continues the project's {@link PromptTemplate} (with the
 * tokenizer's own bos), its completion being the template's completion and eos. {@link #describe}
 * says which, for rows and checkpoints.
 */
public final class HfPromptFormat {

  private static final String END_OF_TURN = "<|im_end|>";

  private final HfTokenizer tokenizer;
  private final HfChatTemplate chatTemplate;

  /** @param chatTemplate the model's chat template, or null for a base model */
  public HfPromptFormat(HfTokenizer tokenizer, HfChatTemplate chatTemplate) {
    this.tokenizer = tokenizer;
    this.chatTemplate = chatTemplate;
  }

  /** Tokenizer and (when the folder's tokenizer files have one) chat template of a model folder. */
  public static HfPromptFormat load(ModelFolder folder) throws IOException {
    return new HfPromptFormat(HfTokenizer.load(folder),
        HfChatTemplate.present(folder) ? HfChatTemplate.load(folder) : null);
  }

  public HfTokenizer tokenizer() {
    return tokenizer;
  }

  /** The chat template, or null for a base model. */
  public HfChatTemplate chatTemplate() {
    return chatTemplate;
  }

  /** {@code chat template chatml} or {@code prompt manim-code-v1}. */
  public String describe() {
    return chatTemplate == null ? "prompt " + PromptTemplate.VERSION
        : "chat template " + chatTemplate.layout().name().toLowerCase(Locale.ROOT);
  }

  /** The prompt's token ids as the model is fed them. */
  public int[] promptIds(String taskPrompt) {
    if (chatTemplate == null) {
      // The tokenizer's own post-processor adds what the model was trained with (Llama 3's bos).
      return tokenizer.encode(PromptTemplate.render(taskPrompt), true);
    }
    List<HfChatTemplate.Message> messages = new ArrayList<>();
    for (ChatPrompt.Message m : ChatPrompt.messages(taskPrompt)) {
      messages.add(new HfChatTemplate.Message(m.role(), m.content()));
    }
    return chatTemplate.encode(tokenizer, messages, true);
  }

  /**
   * The ids a model is trained to answer {@code code} with: the template's completion and eos for a
   * base model; for an instruction model the code in a python block and the end of its turn.
   */
  public int[] completionIds(String code) {
    String text = chatTemplate == null ? PromptTemplate.completion(code)
        : "```python\n" + PromptTemplate.normalizeCode(code) + "```";
    int[] ids = tokenizer.encode(text, false);
    int end = endId();
    if (end < 0) {
      return ids;
    }
    int[] out = Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = end;
    return out;
  }

  /** The id that ends an answer: the end-of-turn token of a chat model that has one, else eos (-1 when none). */
  public int endId() {
    if (chatTemplate != null) {
      int endOfTurn = tokenizer.tokenToId(END_OF_TURN);
      if (endOfTurn >= 0) {
        return endOfTurn;
      }
    }
    return tokenizer.eosId();
  }

  /**
   * The program of a completion: a chat model's answer is parsed like any chat model's (the fenced
   * block), a base model's completion is the template's.
   */
  public dev.manimgrpo.core.code.ExtractedCode extractCode(String completionText) {
    return chatTemplate != null ? dev.manimgrpo.core.code.CodeExtractor.extract(completionText)
        : PromptTemplate.extracted(completionText);
  }

  /** Extra stop ids for sampling: a chat model's end of turn when it is not its eos. */
  public List<int[]> stopTokens() {
    int end = endId();
    return chatTemplate != null && end >= 0 && end != tokenizer.eosId() ? List.of(new int[] {end}) : List.of();
  }
}
