package dev.manimgrpo.core.policy.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.ChatPrompt;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of {@code POST /chat/completions}: the request for some members of a group, and the
 * choices of an answer. No stop sequences are sent: {@link dev.manimgrpo.core.policy.PromptTemplate}'s
 * stop ({@code \n```}) would end a chat answer at its opening fence whenever the model writes a line
 * of prose first; the answer ends at the model's end of turn or {@code max_tokens}, and
 * {@link dev.manimgrpo.core.code.CodeExtractor} takes the program out of the fenced block.
 */
final class ChatCompletions {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One choice of an answer. */
  record Choice(int index, String text, String finishReason, float[] logprobs) {}

  /** An answer's token counts ({@code usage}), -1 where the server did not give one. */
  record Usage(int promptTokens, int completionTokens) {
    static final Usage UNKNOWN = new Usage(-1, -1);
  }

  /** The {@code usage} object of a well-formed answer; UNKNOWN when absent or not numbers. */
  static Usage usage(String body) {
    try {
      JsonNode u = JSON.readTree(body).path("usage");
      int p = u.path("prompt_tokens").canConvertToInt() ? u.path("prompt_tokens").asInt(-1) : -1;
      int c = u.path("completion_tokens").canConvertToInt() ? u.path("completion_tokens").asInt(-1) : -1;
      return new Usage(p < 0 ? -1 : p, c < 0 ? -1 : c);
    } catch (JsonProcessingException e) {
      return Usage.UNKNOWN;
    }
  }

  private ChatCompletions() {}

  /**
   * The seed sent for a request: the 64-bit rollout seed reduced to its top 31 bits. Servers read
   * the field as a 32-bit or a signed 64-bit integer, and llama.cpp takes 0xFFFFFFFF as "random".
   */
  static long wireSeed(long rolloutSeed) {
    return rolloutSeed >>> 33;
  }

  /** The request body asking for {@code n} choices with the given seed. */
  static String request(OpenAiConfig config, SamplingConfig sampling, String taskPrompt, int n, long rolloutSeed) {
    ObjectNode body = JSON.createObjectNode();
    if (!config.model().isEmpty()) {
      body.put("model", config.model());
    }
    ArrayNode messages = body.putArray("messages");
    for (ChatPrompt.Message m : ChatPrompt.messages(taskPrompt)) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    body.put("n", n);
    body.put("temperature", sampling.temperature());
    body.put("top_p", sampling.topP());
    if (config.sendMinP()) {
      body.put("min_p", sampling.minP());
    }
    body.put("max_tokens", sampling.maxTokens());
    body.put("seed", wireSeed(rolloutSeed));
    if (config.logprobs()) {
      body.put("logprobs", true);
    }
    body.put("stream", false);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a chat-completions request", e);
    }
  }

  /**
   * The choices of an answer body, in the order given.
   *
   * @throws MalformedAnswerException when the body is not JSON or has no {@code choices} array
   */
  static List<Choice> choices(String body) throws MalformedAnswerException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedAnswerException("malformed JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.path("choices").isArray()) {
      throw new MalformedAnswerException("an answer without a choices array");
    }
    List<Choice> out = new ArrayList<>();
    int position = 0;
    for (JsonNode c : root.get("choices")) {
      int index = c.path("index").isInt() ? c.get("index").asInt() : position;
      JsonNode content = c.path("message").path("content");
      String text = content.isTextual() ? content.asText() : "";
      JsonNode finish = c.path("finish_reason");
      String finishReason = finish.isTextual() ? finish.asText() : null;
      out.add(new Choice(index, text, finishReason, logprobs(c.path("logprobs").path("content"))));
      position++;
    }
    return out;
  }

  private static float[] logprobs(JsonNode content) {
    if (!content.isArray()) {
      return null;
    }
    float[] lp = new float[content.size()];
    for (int i = 0; i < lp.length; i++) {
      lp[i] = (float) content.get(i).path("logprob").asDouble(Double.NaN);
    }
    return lp;
  }

  /** An answer with status 2xx that is not a chat completion (retried like a server error). */
  static final class MalformedAnswerException extends Exception {
    MalformedAnswerException(String message) {
      super(message);
    }
  }
}
