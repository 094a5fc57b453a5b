package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HfChatTemplate} without the oracle: recognising the layouts and what each writes. */
class HfChatTemplateTest {

  private static final List<HfChatTemplate.Message> CHAT = List.of(
      new HfChatTemplate.Message("user", "Draw a square."));

  @TempDir
  Path dir;

  @Test
  void eachLayoutIsRecognisedByItsTextWithOrWithoutATrailingNewline() {
    for (HfChatTemplate.Layout l : HfChatTemplate.Layout.values()) {
      assertThat(HfChatTemplate.of(l.jinja(), "<s>").layout()).isEqualTo(l);
      assertThat(HfChatTemplate.of(l.jinja() + "\n", "<s>").layout()).isEqualTo(l);
    }
  }

  @Test
  void chatMlWritesEachMessageAndTheGenerationPrompt() {
    HfChatTemplate t = HfChatTemplate.of(HfChatTemplate.Layout.CHATML.jinja(), null);
    assertThat(t.render(CHAT, true)).isEqualTo("<|im_start|>user\nDraw a square.<|im_end|>\n<|im_start|>assistant\n");
    assertThat(t.render(CHAT, false)).isEqualTo("<|im_start|>user\nDraw a square.<|im_end|>\n");
    assertThat(HfChatTemplate.of(HfChatTemplate.Layout.CHATML_WITH_BOS.jinja(), "<s>").render(List.of(), true))
        .isEqualTo("<s><|im_start|>assistant\n");
  }

  @Test
  void qwen2InstructAddsItsSystemMessageOnlyWhenThereIsNone() {
    HfChatTemplate t = HfChatTemplate.of(HfChatTemplate.Layout.QWEN2_INSTRUCT.jinja(), null);
    assertThat(t.render(CHAT, false)).startsWith(HfChatTemplate.QWEN2_DEFAULT_SYSTEM + "<|im_start|>user\n");
    List<HfChatTemplate.Message> withSystem = List.of(new HfChatTemplate.Message("system", "Be brief."), CHAT.get(0));
    assertThat(t.render(withSystem, false)).startsWith("<|im_start|>system\nBe brief.<|im_end|>\n");
  }

  @Test
  void otherTemplatesAndAMissingBosAreRefused() {
    assertThatThrownBy(() -> HfChatTemplate.of("{{ messages[0]['content'] | trim }}", "<s>"))
        .hasMessageContaining("unsupported chat template").hasMessageContaining("CHATML");
    assertThatThrownBy(() -> HfChatTemplate.of(HfChatTemplate.Layout.CHATML_WITH_BOS.jinja(), null))
        .hasMessageContaining("no bos token");
  }

  @Test
  void loadsFromTheJinjaFileOrTheConfigsNamedDefault() throws IOException {
    String escaped = HfChatTemplate.Layout.CHATML.jinja().replace("\\", "\\\\").replace("\n", "\\n");
    Files.writeString(dir.resolve(HfTokenizer.CONFIG_FILE),
        "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"x\"}, {\"name\": \"default\", \"template\": \""
            + escaped + "\"}]}");
    assertThat(HfChatTemplate.load(dir).layout()).isEqualTo(HfChatTemplate.Layout.CHATML);
    Files.writeString(dir.resolve(HfChatTemplate.JINJA_FILE), HfChatTemplate.Layout.QWEN2_INSTRUCT.jinja() + "\n");
    assertThat(HfChatTemplate.load(dir).layout()).isEqualTo(HfChatTemplate.Layout.QWEN2_INSTRUCT);
    Files.writeString(dir.resolve(HfChatTemplate.JINJA_FILE), "{{ raise_exception('no') }}");
    assertThatThrownBy(() -> HfChatTemplate.load(dir)).hasMessageContaining(HfChatTemplate.JINJA_FILE)
        .hasMessageContaining("unsupported chat template");
  }
}
