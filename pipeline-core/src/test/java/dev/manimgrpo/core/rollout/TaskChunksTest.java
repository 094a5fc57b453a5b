package dev.manimgrpo.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TaskChunksTest {

  private static final java.util.function.Function<Integer, OptionalDouble> UNKNOWN = x -> OptionalDouble.empty();

  @Test
  void everyGroupLandsInExactlyOneTaskInItsOrder() {
    List<Integer> groups = IntStream.range(0, 44).boxed().toList();
    List<List<Integer>> tasks = TaskChunks.guided(groups, UNKNOWN, 2, 1, 8);
    List<Integer> flat = new ArrayList<>();
    tasks.forEach(flat::addAll);
    assertThat(flat).isEqualTo(groups);
  }

  @Test
  void tasksStartLargeAndShrinkToSingleGroupsAtTheEndOfTheRound() {
    // 44 groups of unknown (so equal) cost on 2 slots: each task takes a quarter of what is left, at most 8.
    List<List<Integer>> tasks = TaskChunks.guided(IntStream.range(0, 44).boxed().toList(), UNKNOWN, 2, 1, 8);
    assertThat(tasks.stream().map(List::size).toList()).containsExactly(8, 8, 7, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1);
  }

  @Test
  void longGroupsGetTasksOfTheirOwnAndShortOnesShareAsTheirCostsAllow() {
    // 2 long groups then 20 short ones, 2 slots: a long group is already over a quarter of the work.
    Map<Integer, Double> cost = new java.util.HashMap<>();
    cost.put(0, 10.0);
    cost.put(1, 10.0);
    IntStream.range(2, 22).forEach(i -> cost.put(i, 1.0));
    List<List<Integer>> tasks = TaskChunks.guided(IntStream.range(0, 22).boxed().toList(),
        x -> OptionalDouble.of(cost.get(x)), 2, 1, 8);
    assertThat(tasks.get(0)).containsExactly(0);
    assertThat(tasks.get(1)).containsExactly(1);
    // then 20 units of work: a quarter is 5 groups, then a quarter of 15 is 3, ...
    assertThat(tasks.get(2)).hasSize(5);
    assertThat(tasks.get(3)).hasSize(3);
    assertThat(tasks.get(tasks.size() - 1)).hasSize(1);
  }

  @Test
  void aGroupOfUnknownCostCountsAsTheMeanOfTheKnownOnes() {
    // known: 1 and 3 (mean 2); the unknown group between them weighs 2: total 6, a quarter is 1.5.
    List<List<String>> tasks = TaskChunks.guided(List.of("a", "u", "b"), s -> switch (s) {
      case "a" -> OptionalDouble.of(1.0);
      case "b" -> OptionalDouble.of(3.0);
      default -> OptionalDouble.empty();
    }, 2, 1, 8);
    assertThat(tasks).containsExactly(List.of("a"), List.of("u"), List.of("b"));
  }

  @Test
  void noTaskButTheLastHasFewerGroupsThanTheFloor() {
    // The same 44 groups with at least 3 per task: the guided sizes down to 3, then 3s, and the rest last.
    List<List<Integer>> tasks = TaskChunks.guided(IntStream.range(0, 44).boxed().toList(), UNKNOWN, 2, 3, 8);
    assertThat(tasks.stream().map(List::size).toList()).containsExactly(8, 8, 7, 5, 4, 3, 3, 3, 3);
    // Costs do not lower it either: a long group first still shares its task with two short ones.
    List<List<Integer>> costed = TaskChunks.guided(IntStream.range(0, 7).boxed().toList(),
        x -> OptionalDouble.of(x == 0 ? 100.0 : 1.0), 2, 3, 8);
    assertThat(costed).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
    List<Integer> flat = new ArrayList<>();
    costed.forEach(flat::addAll);
    assertThat(flat).isEqualTo(IntStream.range(0, 7).boxed().toList());
  }

  @Test
  void theFloorNeverLeavesASlotWithoutATask() {
    // 6 groups on 4 slots: a floor of 3 would make 2 tasks for 4 slots; it gives way to 1.
    assertThat(TaskChunks.guided(IntStream.range(0, 6).boxed().toList(), UNKNOWN, 4, 3, 8)).hasSize(6);
    // 10 groups on 4 slots: at most 10 / 4 = 2 per task as the floor, so 5 tasks.
    assertThat(TaskChunks.guided(IntStream.range(0, 10).boxed().toList(), UNKNOWN, 4, 3, 8).stream().map(List::size)
        .toList()).containsExactly(2, 2, 2, 2, 2);
  }

  @Test
  void oneGroupPerTaskWhenAskedAndManyMoreSlotsThanGroups() {
    List<Integer> groups = IntStream.range(0, 10).boxed().toList();
    assertThat(TaskChunks.guided(groups, UNKNOWN, 2, 1, 1)).hasSize(10).allMatch(t -> t.size() == 1);
    assertThat(TaskChunks.guided(groups, UNKNOWN, 64, 1, 8)).hasSize(10);
    assertThat(TaskChunks.guided(List.<Integer>of(), UNKNOWN, 2, 1, 8)).isEmpty();
  }

  @Test
  void slotsAndGroupsPerTaskMustBePositive() {
    assertThatThrownBy(() -> TaskChunks.guided(List.of(1), UNKNOWN, 0, 1, 8)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> TaskChunks.guided(List.of(1), UNKNOWN, 2, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskChunks.guided(List.of(1), UNKNOWN, 2, 0, 8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskChunks.guided(List.of(1), UNKNOWN, 2, 4, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 to 3 groups per task");
  }
}
