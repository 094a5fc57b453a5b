package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A model's chat template, for the ChatML layouts only: the {@code chat_template} of {@code
 * tokenizer_config.json} (or {@code chat_template.jinja}, as transformers 5 saves it) is a Jinja
 * template, and no Jinja engine is used here. The template text is compared with the known ones
 * (exactly, give or take the one trailing newline Jinja drops) and rendered by code that writes what
 * transformers' {@code apply_chat_template} writes with it:
 *
 * <pre>
 * [bos]                                                    CHATML_WITH_BOS only
 * [&lt;|im_start|&gt;system\nYou are a helpful assistant.&lt;|im_end|&gt;\n]  QWEN2_INSTRUCT, when the first role is not system
 * per message: &lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n
 * [&lt;|im_start|&gt;assistant\n]                                   with the generation prompt
 * </pre>
 *
 * Any other template (Llama 3's, Qwen2.5's and Qwen3's with tools and thinking) fails with an error
 * that says so. The Jinja library that Maven Central offers (jinjava) was not taken: it brings its
 * own Guava, javassist and commons-net, which the dependency-convergence rule holds against the
 * versions Spark, Hadoop and ND4J bring, and it would not render Qwen3's template anyway (that one
 * calls Python string methods such as {@code startswith} and {@code split}, and slices with
 * {@code [::-1]}).
 */
public final class HfChatTemplate {

  /** File transformers 5 writes the template to. */
  public static final String JINJA_FILE = "chat_template.jinja";

  /** One chat message. */
  public record Message(String role, String content) {
    public Message {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(content, "content");
    }
  }

  /** The template layouts recognised, each with its exact Jinja text. */
  public enum Layout {
    /** The oracle's: ChatML after the bos token (Llama 3 style bos). */
    CHATML_WITH_BOS("{{ bos_token }}{% for message in messages %}"
        + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
    /** Plain ChatML. */
    CHATML("{% for message in messages %}"
        + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
    /** Qwen2-Instruct's: ChatML with a default system message. */
    QWEN2_INSTRUCT("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
        + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
        + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");

    private final String jinja;

    Layout(String jinja) {
      this.jinja = jinja;
    }

    /** The template text this layout stands for. */
    public String jinja() {
      return jinja;
    }
  }

  static final String QWEN2_DEFAULT_SYSTEM = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n";

  private final Layout layout;
  private final String bosToken;

  private HfChatTemplate(Layout layout, String bosToken) {
    this.layout = layout;
    this.bosToken = bosToken;
  }

  /** Whether a model folder has a chat template: an instruction model's tokenizer files do. */
  public static boolean present(ModelFolder folder) throws IOException {
    if (folder.exists(JINJA_FILE)) {
      return true;
    }
    return folder.exists(HfTokenizer.CONFIG_FILE)
        && !HfTokenizer.readJson(folder.readString(HfTokenizer.CONFIG_FILE),
            folder.location() + "/" + HfTokenizer.CONFIG_FILE).path("chat_template").isMissingNode();
  }

  /** The chat template of a local model folder. */
  public static HfChatTemplate load(Path folder) throws IOException {
    return load(ModelFolder.local(folder));
  }

  /**
   * The chat template of a model folder: {@code chat_template.jinja} if there is one, else {@code
   * chat_template} of {@code tokenizer_config.json} (a string, or a list of named templates, of which
   * the one named {@code default}); the bos token as {@link HfTokenizer} reads it.
   */
  public static HfChatTemplate load(ModelFolder folder) throws IOException {
    String configSource = folder.location() + "/" + HfTokenizer.CONFIG_FILE;
    JsonNode config = folder.exists(HfTokenizer.CONFIG_FILE)
        ? HfTokenizer.readJson(folder.readString(HfTokenizer.CONFIG_FILE), configSource) : MissingNode.getInstance();
    JsonNode map = folder.exists(HfTokenizer.SPECIAL_TOKENS_MAP_FILE)
        ? HfTokenizer.readJson(folder.readString(HfTokenizer.SPECIAL_TOKENS_MAP_FILE),
            folder.location() + "/" + HfTokenizer.SPECIAL_TOKENS_MAP_FILE)
        : MissingNode.getInstance();
    String bos = HfTokenizer.SpecialTokens.read(config, map).bos();
    String template;
    String source;
    if (folder.exists(JINJA_FILE)) {
      template = folder.readString(JINJA_FILE);
      source = folder.location() + "/" + JINJA_FILE;
    } else {
      template = fromConfig(config.path("chat_template"), configSource);
      source = configSource;
    }
    try {
      return of(template, bos);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static String fromConfig(JsonNode t, String source) {
    if (t.isTextual()) {
      return t.asText();
    }
    if (t.isArray()) {
      for (JsonNode named : t) {
        if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
          return named.path("template").asText();
        }
      }
      throw new IllegalArgumentException(source + ": chat_template lists no template named \"default\"");
    }
    throw new IllegalArgumentException(source + " has no chat_template (and there is no " + JINJA_FILE + ")");
  }

  /**
   * The template for a Jinja text.
   *
   * @param bosToken the bos token's text ({@link HfTokenizer#bosToken()}), needed by {@link
   *                 Layout#CHATML_WITH_BOS} only
   * @throws IllegalArgumentException for a template that is none of the {@link Layout}s
   */
  public static HfChatTemplate of(String jinja, String bosToken) {
    // Jinja drops one trailing newline of a template (keep_trailing_newline is off in transformers).
    String text = jinja.endsWith("\n") ? jinja.substring(0, jinja.length() - 1) : jinja;
    for (Layout l : Layout.values()) {
      if (l.jinja.equals(text)) {
        if (l == Layout.CHATML_WITH_BOS && bosToken == null) {
          throw new IllegalArgumentException("the chat template writes bos_token, but no bos token is configured");
        }
        return new HfChatTemplate(l, bosToken);
      }
    }
    throw new IllegalArgumentException("unsupported chat template (only the ChatML layouts "
        + java.util.Arrays.toString(Layout.values()) + " are rendered, without a Jinja engine): "
        + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
  }

  public Layout layout() {
    return layout;
  }

  /** The prompt text, as {@code apply_chat_template(messages, tokenize=False, add_generation_prompt=...)}. */
  public String render(List<Message> messages, boolean addGenerationPrompt) {
    StringBuilder sb = new StringBuilder();
    if (layout == Layout.CHATML_WITH_BOS) {
      sb.append(bosToken);
    }
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (i == 0 && layout == Layout.QWEN2_INSTRUCT && !"system".equals(m.role())) {
        sb.append(QWEN2_DEFAULT_SYSTEM);
      }
      sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
    }
    if (addGenerationPrompt) {
      sb.append("<|im_start|>assistant\n");
    }
    return sb.toString();
  }

  /**
   * The prompt's ids, as {@code apply_chat_template(..., tokenize=True)}: the rendered text encoded
   * without the post-processor's special tokens (the template writes the bos itself); special
   * tokens in the text are matched as such.
   */
  public int[] encode(HfTokenizer tokenizer, List<Message> messages, boolean addGenerationPrompt) {
    return tokenizer.encode(render(messages, addGenerationPrompt), false);
  }
}
