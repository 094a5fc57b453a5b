package dev.manimgrpo.policy.hf.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfTest {

  @Test
  void knownValues() {
    assertThat(Half.fromFloat(1f)).isEqualTo((short) 0x3C00);
    assertThat(Half.fromFloat(-2f)).isEqualTo((short) 0xC000);
    assertThat(Half.fromFloat(65504f)).isEqualTo((short) 0x7BFF);
    assertThat(Half.fromFloat(65520f)).as("rounds up to infinity").isEqualTo((short) 0x7C00);
    assertThat(Half.fromFloat(0x1p-24f)).as("smallest subnormal").isEqualTo((short) 0x0001);
    assertThat(Half.fromFloat(0x1p-26f)).as("under half the smallest subnormal").isEqualTo((short) 0);
    assertThat(Half.fromFloat(-0f)).isEqualTo((short) 0x8000);
    assertThat(Half.fromFloat(1f + 0x1p-11f)).as("a tie rounds to even").isEqualTo((short) 0x3C00);
    assertThat(Half.fromFloat(1f + 0x1p-11f + 0x1p-20f)).as("above the tie rounds up").isEqualTo((short) 0x3C01);
    assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN)))).isTrue();
  }

  @Test
  void everyFiniteHalfSurvivesTheRoundTrip() {
    for (int h = 0; h < 0x10000; h++) {
      if ((h & 0x7C00) == 0x7C00) {
        continue;
      }
      float f = Half.toFloat((short) h);
      assertThat(Half.fromFloat(f) & 0xFFFF).as("half %04x = %s", h, f).isEqualTo(h);
    }
  }
}
