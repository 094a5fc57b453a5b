package dev.manimgrpo.core.policy.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.ChatPrompt;
import dev.manimgrpo.core.policy.openai.ChatCompletions.Choice;
import dev.manimgrpo.core.policy.openai.ChatCompletions.MalformedAnswerException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCompletionsTest {

  private static final SamplingConfig SAMPLING = new SamplingConfig(8, 0.9, 0.8, 0.1, 256, 5);

  private static OpenAiConfig config(String model, boolean logprobs, boolean sendMinP) {
    return new OpenAiConfig("http://127.0.0.1:8080/v1", model, "K", "spark.k", 4, 4, 500, 20_000, 300, logprobs,
        sendMinP, 0);
  }

  @Test
  void theRequestCarriesTheMessagesSamplingAndSeedButNoStopSequence() throws Exception {
    JsonNode body = ChatCompletions.JSON.readTree(
        ChatCompletions.request(config("qwen", true, true), SAMPLING, "Draw a circle.", 3, -1L));
    assertThat(body.get("model").asText()).isEqualTo("qwen");
    List<ChatPrompt.Message> messages = ChatPrompt.messages("Draw a circle.");
    assertThat(body.get("messages")).hasSize(2);
    assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(body.get("messages").get(1).get("content").asText()).isEqualTo(messages.get(1).content());
    assertThat(body.get("n").asInt()).isEqualTo(3);
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.9);
    assertThat(body.get("top_p").asDouble()).isEqualTo(0.8);
    assertThat(body.get("min_p").asDouble()).isEqualTo(0.1);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(256);
    assertThat(body.get("seed").asLong()).isEqualTo(0x7FFFFFFFL);
    assertThat(body.get("logprobs").asBoolean()).isTrue();
    assertThat(body.has("stop")).isFalse();
  }

  @Test
  void optionalFieldsAreLeftOutWhenNotConfigured() throws Exception {
    JsonNode body = ChatCompletions.JSON.readTree(
        ChatCompletions.request(config("", false, false), SAMPLING, "Draw a circle.", 1, 42L));
    assertThat(body.has("model")).isFalse();
    assertThat(body.has("min_p")).isFalse();
    assertThat(body.has("logprobs")).isFalse();
  }

  @Test
  void usageIsReadWhenTheServerGivesIt() {
    assertThat(ChatCompletions.usage("{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":30}}"))
        .isEqualTo(new ChatCompletions.Usage(12, 30));
    assertThat(ChatCompletions.usage("{\"choices\":[]}")).isEqualTo(ChatCompletions.Usage.UNKNOWN);
    assertThat(ChatCompletions.usage("{\"usage\":{\"prompt_tokens\":\"many\",\"completion_tokens\":-3}}"))
        .isEqualTo(ChatCompletions.Usage.UNKNOWN);
    assertThat(ChatCompletions.usage("not json")).isEqualTo(ChatCompletions.Usage.UNKNOWN);
  }

  @Test
  void theWireSeedIsANonNegative31BitNumber() {
    for (long s : new long[] {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789ABCDEFL}) {
      assertThat(ChatCompletions.wireSeed(s)).isBetween(0L, 0x7FFFFFFFL);
    }
  }

  @Test
  void choicesAreReadWithTheirIndexTextFinishReasonAndLogprobs() throws Exception {
    List<Choice> choices = ChatCompletions.choices("""
        {"choices": [
          {"index": 1, "message": {"role": "assistant", "content": "b"}, "finish_reason": "length",
           "logprobs": {"content": [{"token": "b", "logprob": -0.5}, {"token": "c", "logprob": -1.25}]}},
          {"message": {"content": null}, "finish_reason": null}
        ]}""");
    assertThat(choices).hasSize(2);
    assertThat(choices.get(0).index()).isEqualTo(1);
    assertThat(choices.get(0).text()).isEqualTo("b");
    assertThat(choices.get(0).finishReason()).isEqualTo("length");
    assertThat(choices.get(0).logprobs()).containsExactly(-0.5f, -1.25f);
    assertThat(choices.get(1).index()).as("position when index is missing").isEqualTo(1);
    assertThat(choices.get(1).text()).isEmpty();
    assertThat(choices.get(1).finishReason()).isNull();
    assertThat(choices.get(1).logprobs()).isNull();
  }

  @Test
  void anAnswerThatIsNotAChatCompletionIsMalformed() {
    assertThatThrownBy(() -> ChatCompletions.choices("{\"choices\": [")).isInstanceOf(MalformedAnswerException.class)
        .hasMessageStartingWith("malformed JSON");
    assertThatThrownBy(() -> ChatCompletions.choices("{\"object\": \"error\"}"))
        .isInstanceOf(MalformedAnswerException.class).hasMessage("an answer without a choices array");
    assertThatThrownBy(() -> ChatCompletions.choices("")).isInstanceOf(MalformedAnswerException.class);
  }
}
