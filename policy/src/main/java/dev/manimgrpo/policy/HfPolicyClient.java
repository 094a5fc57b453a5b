package dev.manimgrpo.policy;

import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfChatTemplate;
import dev.manimgrpo.policy.hf.HfLogits;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfPromptFormat;
import dev.manimgrpo.policy.hf.HfTokenizer;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.PeftAdapterReader;
import dev.manimgrpo.policy.sampling.Sampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Hugging Face checkpoint (Llama, Qwen2, Qwen3; {@link HfCausalLm}) as an in-process rollout
 * policy: loaded once per executor, one group at a time with the KV cache, each completion from its
 * own seed, as {@link Dl4jPolicyClient} samples the project's own model (the same {@link Sampler}).
 *
 * <p>The prompt is decided here, once: a model whose tokenizer files carry a chat template is an
 * instruction model and gets {@link dev.manimgrpo.core.policy.ChatPrompt}'s messages in its own template (answers parsed like
 * any chat model's); a base model continues the project's {@link PromptTemplate}. The policy id says
 * which, so every row records it.
 *
 * <p>The trainer computes these models with the same arithmetic ({@code HfTrainingModel}), so their
 * shards are trainable ({@link #trainerReproducible()}); its GRPO checks the log-probs anyway
 * (trainer.hf.max-logprob-drift).
 */
public final class HfPolicyClient implements PolicyClient {

  private final HfCausalLm model;
  private final HfTokenizer tokenizer;
  private final HfPromptFormat format;
  private final Sampler sampler;
  private final String id;
  private final ReentrantLock lock = new ReentrantLock(true);

  /** @param chatTemplate the model's chat template, or null for a base model (the project's template) */
  public HfPolicyClient(HfCausalLm model, HfTokenizer tokenizer, HfChatTemplate chatTemplate, String source) {
    this(model, new HfPromptFormat(tokenizer, chatTemplate), source);
  }

  public HfPolicyClient(HfCausalLm model, HfPromptFormat format, String source) {
    HfTokenizer tokenizer = format.tokenizer();
    if (tokenizer.vocabSize() > model.config().vocabSize()) {
      throw new IllegalArgumentException(source + ": the tokenizer has " + tokenizer.vocabSize()
          + " tokens but the model's vocab_size is " + model.config().vocabSize()
          + "; the tokenizer files belong to another model");
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.format = format;
    this.sampler = Sampler.forLogitSources(tokenizer.eosId(), ids -> tokenizer.decode(ids, true));
    this.id = "hf:" + source + " (" + format.describe() + ")";
  }

  /**
   * Whether a folder holds a Hugging Face checkpoint ({@code config.json} and safetensors weights)
   * or a PEFT LoRA adapter of one.
   */
  public static boolean isHfModel(ModelFolder folder) throws IOException {
    return PeftAdapterReader.isAdapter(folder) || (folder.exists(HfModelConfig.FILE)
        && (folder.exists("model.safetensors") || folder.exists("model.safetensors.index.json")));
  }

  /**
   * Loads model, tokenizer and (when the tokenizer files have one) chat template. A PEFT adapter
   * folder is loaded as its base model ({@code base_model_name_or_path}) with the adapter merged
   * into the weights; the tokenizer comes from the adapter folder when it has one, else the base.
   */
  public static HfPolicyClient load(ModelFolder folder) throws IOException {
    return load(folder, folder.location());
  }

  /** As {@link #load(ModelFolder)}, the policy id naming it {@code source}. */
  public static HfPolicyClient load(ModelFolder folder, String source) throws IOException {
    if (!PeftAdapterReader.isAdapter(folder)) {
      return new HfPolicyClient(HfCausalLm.load(folder), HfPromptFormat.load(folder), source);
    }
    LoraAdapter adapter = PeftAdapterReader.read(folder);
    if (adapter.baseModel().isBlank()) {
      throw new IllegalArgumentException(folder.location() + ": adapter_config.json names no base_model_name_or_path;"
          + " set it to the base model's folder");
    }
    ModelFolder base = PolicyLoader.adapterBase(folder, adapter.baseModel());
    HfCausalLm lm = HfCausalLm.of(adapter.merge(HfCausalLm.load(base).weights()));
    HfPromptFormat format = HfPromptFormat.load(folder.exists(HfTokenizer.FILE) ? folder : base);
    return new HfPolicyClient(lm, format, source);
  }

  @Override
  public String policyId() {
    return id;
  }

  /** The trainer's Hugging Face GRPO computes the same log-probs of these tokens. */
  @Override
  public boolean trainerReproducible() {
    return true;
  }

  /** The prompt's token ids as this model is fed them. */
  public int[] promptIds(String taskPrompt) {
    return format.promptIds(taskPrompt);
  }

  @Override
  public List<Generation> generate(GroupRequest request) {
    SamplingConfig s = request.sampling();
    return GroupSampling.run(request, this::promptIds, model.config().maxPositionEmbeddings(),
        "max_position_embeddings", lock, (prompt, seeds, maxNew) -> sampler.sampleGroup(new HfLogits(model),
            model.config().maxPositionEmbeddings(), prompt, seeds,
            SamplingParams.of(s.temperature(), s.topP(), s.minP(), maxNew, 0L)
                .withStopStrings(format.chatTemplate() == null ? PromptTemplate.stopSequences() : List.of())
                .withStopTokens(format.stopTokens())),
        ids -> tokenizer.decode(ids, true));
  }

  @Override
  public ExtractedCode extractCode(String completionText) {
    return format.extractCode(completionText);
  }

}
