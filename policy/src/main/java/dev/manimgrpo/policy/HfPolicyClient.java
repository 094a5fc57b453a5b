package dev.manimgrpo.policy;

import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.ChatPrompt;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfChatTemplate;
import dev.manimgrpo.policy.hf.HfLogits;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfTokenizer;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.sampling.Sampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Hugging Face checkpoint (Llama, Qwen2, Qwen3; {@link HfCausalLm}) as an in-process rollout
 * policy: loaded once per executor, one group at a time with the KV cache, each completion from its
 * own seed, as {@link Dl4jPolicyClient} samples the project's own model (the same {@link Sampler}).
 *
 * <p>The prompt is decided here, once: a model whose tokenizer files carry a chat template is an
 * instruction model and gets {@link ChatPrompt}'s messages in its own template (answers parsed like
 * any chat model's); a base model continues the project's {@link PromptTemplate}. The policy id says
 * which, so every row records it.
 *
 * <p>The trainer cannot train these models yet, so their shards are marked as not reproducible by
 * the trainer ({@link #trainerReproducible()}), which then refuses them instead of training on them.
 */
public final class HfPolicyClient implements PolicyClient {

  private final HfCausalLm model;
  private final HfTokenizer tokenizer;
  private final HfChatTemplate chatTemplate;
  private final Sampler sampler;
  private final List<int[]> stopTokens;
  private final String id;
  private final ReentrantLock lock = new ReentrantLock(true);

  /** @param chatTemplate the model's chat template, or null for a base model (the project's template) */
  public HfPolicyClient(HfCausalLm model, HfTokenizer tokenizer, HfChatTemplate chatTemplate, String source) {
    if (tokenizer.vocabSize() > model.config().vocabSize()) {
      throw new IllegalArgumentException(source + ": the tokenizer has " + tokenizer.vocabSize()
          + " tokens but the model's vocab_size is " + model.config().vocabSize()
          + "; the tokenizer files belong to another model");
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.chatTemplate = chatTemplate;
    this.sampler = Sampler.forLogitSources(tokenizer.eosId(), ids -> tokenizer.decode(ids, true));
    List<int[]> stops = new ArrayList<>();
    if (chatTemplate != null) {
      // An instruction model ends its turn with <|im_end|>, which need not be its eos token.
      int endOfTurn = tokenizer.tokenToId("<|im_end|>");
      if (endOfTurn >= 0 && endOfTurn != tokenizer.eosId()) {
        stops.add(new int[] {endOfTurn});
      }
    }
    this.stopTokens = List.copyOf(stops);
    this.id = "hf:" + source + " (" + (chatTemplate == null ? "prompt " + PromptTemplate.VERSION
        : "chat template " + chatTemplate.layout().name().toLowerCase(Locale.ROOT)) + ")";
  }

  /** Whether a folder holds a Hugging Face checkpoint ({@code config.json} and safetensors weights). */
  public static boolean isHfModel(ModelFolder folder) throws IOException {
    return folder.exists(HfModelConfig.FILE)
        && (folder.exists("model.safetensors") || folder.exists("model.safetensors.index.json"));
  }

  /** Loads model, tokenizer and (when the tokenizer files have one) chat template. */
  public static HfPolicyClient load(ModelFolder folder) throws IOException {
    HfCausalLm model = HfCausalLm.load(folder);
    HfTokenizer tokenizer = HfTokenizer.load(folder);
    HfChatTemplate template = HfChatTemplate.present(folder) ? HfChatTemplate.load(folder) : null;
    return new HfPolicyClient(model, tokenizer, template, folder.location());
  }

  @Override
  public String policyId() {
    return id;
  }

  /** Not yet: the trainer trains the project's own model only, and refuses these shards. */
  @Override
  public boolean trainerReproducible() {
    return false;
  }

  /** The prompt's token ids as this model is fed them. */
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

  @Override
  public List<Generation> generate(GroupRequest request) {
    SamplingConfig s = request.sampling();
    return GroupSampling.run(request, this::promptIds, model.config().maxPositionEmbeddings(),
        "max_position_embeddings", lock, (prompt, seeds, maxNew) -> sampler.sampleGroup(new HfLogits(model),
            model.config().maxPositionEmbeddings(), prompt, seeds,
            SamplingParams.of(s.temperature(), s.topP(), s.minP(), maxNew, 0L)
                .withStopStrings(chatTemplate == null ? PromptTemplate.stopSequences() : List.of())
                .withStopTokens(stopTokens)),
        ids -> tokenizer.decode(ids, true));
  }

  @Override
  public ExtractedCode extractCode(String completionText) {
    if (chatTemplate != null) {
      return PolicyClient.super.extractCode(completionText);
    }
    String code = PromptTemplate.extractCode(completionText);
    return new ExtractedCode(code, code.isBlank() ? ExtractedCode.Method.NONE : ExtractedCode.Method.TEMPLATE);
  }
}
