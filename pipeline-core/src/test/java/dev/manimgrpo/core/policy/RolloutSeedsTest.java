package dev.manimgrpo.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.core.rollout.StepPrompts;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutSeedsTest {

  @Test
  void aSeedIsAFunctionOfSeedPromptStepAndIndexAlone() {
    long a = RolloutSeeds.seed(0, "mb-aaaa", 3, 5);
    assertThat(RolloutSeeds.seed(0, "mb-aaaa", 3, 5)).isEqualTo(a);
    Set<Long> seen = new HashSet<>();
    for (String prompt : List.of("mb-aaaa", "mb-aaab", "mb-baaa")) {
      for (int step = 0; step < 4; step++) {
        for (int i = 0; i < 8; i++) {
          for (long base = 0; base < 3; base++) {
            assertThat(seen.add(RolloutSeeds.seed(base, prompt, step, i))).as("distinct seed").isTrue();
          }
        }
      }
    }
  }

  @Test
  void aGroupRequestSeedsEachMemberByItsIndex() {
    PolicyConfig.SamplingConfig s = PipelineConfig.defaults().policy().sampling();
    GroupRequest whole = GroupRequest.wholeGroup("mb-x", "draw a square", 2, s);
    assertThat(whole.rolloutIndices()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    GroupRequest some = new GroupRequest("mb-x", "draw a square", 2, List.of(6), s);
    assertThat(some.seed(6)).isEqualTo(whole.seed(6)).isEqualTo(RolloutSeeds.seed(s.seed(), "mb-x", 2, 6));
    assertThatThrownBy(() -> new GroupRequest("mb-x", "t", 0, List.of(), s)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStepsPromptOrderDependsOnSeedAndStepOnly() {
    List<Integer> prompts = IntStream.range(0, 40).boxed().toList();
    assertThat(StepPrompts.order(prompts, 7, 1, true)).isEqualTo(StepPrompts.order(prompts, 7, 1, true))
        .isNotEqualTo(StepPrompts.order(prompts, 7, 2, true)).containsExactlyInAnyOrderElementsOf(prompts);
    assertThat(StepPrompts.order(prompts, 7, 1, false)).isEqualTo(prompts);
  }

  @Test
  void groupUidsNameTheRunStepAndPrompt() {
    assertThat(RolloutIds.groupUid("r", 1, "mb-a")).isEqualTo(RolloutIds.groupUid("r", 1, "mb-a"))
        .isNotEqualTo(RolloutIds.groupUid("r", 2, "mb-a")).isNotEqualTo(RolloutIds.groupUid("r2", 1, "mb-a"))
        .startsWith("g-");
  }

  @Test
  void theChatPromptCarriesTheTemplateAsTheUsersMessage() {
    List<ChatPrompt.Message> m = ChatPrompt.messages("a blue circle");
    assertThat(m).extracting(ChatPrompt.Message::role).containsExactly("system", "user");
    assertThat(m.get(1).content()).isEqualTo(PromptTemplate.render("a blue circle"));
  }
}
