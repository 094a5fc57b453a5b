package dev.manimgrpo.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SlotOccupancyTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void secondsAreCountedAtTheNumberOfSlotsBusyThen() {
    AtomicLong clock = new AtomicLong(100 * SECOND);
    SlotOccupancy o = new SlotOccupancy(2, clock::get);
    clock.addAndGet(10 * SECOND);
    o.started(); // 10 s with none busy
    clock.addAndGet(5 * SECOND);
    o.started(); // 5 s with one
    SlotOccupancy.Reading mid = o.read();
    assertThat(mid.secondsAtBusy()).containsExactly(10.0, 5.0, 0.0);
    clock.addAndGet(15 * SECOND);
    o.ended(); // 15 s with both
    clock.addAndGet(10 * SECOND);
    o.ended(); // 10 s with one
    clock.addAndGet(10 * SECOND); // 10 s with none, counted when read
    SlotOccupancy.Reading end = o.read();
    assertThat(end.secondsAtBusy()).containsExactly(20.0, 15.0, 15.0);
    // Between the readings: one slot for 10 s and none for 10 s, both for 15 s.
    SlotOccupancy.Reading between = end.since(mid);
    assertThat(between.secondsAtBusy()).containsExactly(10.0, 10.0, 15.0);
  }

  @Test
  void aPoolOfOneSlotAndAnUnbalancedEndStayInRange() {
    AtomicLong clock = new AtomicLong();
    SlotOccupancy o = new SlotOccupancy(1, clock::get);
    o.ended(); // an end without a start counts nothing below zero
    clock.addAndGet(SECOND);
    o.started();
    clock.addAndGet(3 * SECOND);
    assertThat(o.read().secondsAtBusy()).containsExactly(1.0, 3.0);
    assertThatThrownBy(() -> new SlotOccupancy(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
