package dev.manimgrpo.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LongestFirstTest {

  @Test
  void unknownCostsFirstThenLongestFirstWithTiesInTheirOrder() {
    Map<String, Double> known = Map.of("a", 0.2, "b", 6.7, "d", 0.2, "e", 1.5);
    List<String> order = LongestFirst.order(List.of("a", "b", "c", "d", "e", "f"),
        s -> known.containsKey(s) ? OptionalDouble.of(known.get(s)) : OptionalDouble.empty());
    assertThat(order).containsExactly("c", "f", "b", "e", "a", "d");
  }

  @Test
  void withoutAnyEstimateTheOrderIsKept() {
    assertThat(LongestFirst.order(List.of(3, 1, 2), x -> OptionalDouble.empty())).containsExactly(3, 1, 2);
  }

  @Test
  void aNonFiniteEstimateCountsAsUnknown() {
    assertThat(LongestFirst.order(List.of("x", "y"), s -> s.equals("y") ? OptionalDouble.of(Double.NaN)
        : OptionalDouble.of(1.0))).containsExactly("y", "x");
  }
}
