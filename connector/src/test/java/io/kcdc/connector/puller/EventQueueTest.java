package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventQueueTest {
  private static List<PullerEvent> resolved(int n) {
    List<PullerEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PullerEvent.Resolved(1, i));
    }
    return out;
  }

  @Test
  void producerPausesWhenFullAndResumesAfterDrainWithoutLosingEvents() throws Exception {
    EventQueue q = new EventQueue(32 * 10);
    AtomicInteger resumed = new AtomicInteger();
    assertThat(q.add(resolved(5), resumed::incrementAndGet)).isTrue();
    assertThat(q.add(resolved(5), resumed::incrementAndGet)).isFalse();
    assertThat(q.pausedProducers()).isEqualTo(1);
    assertThat(q.drain(3, 0)).hasSize(3);
    assertThat(resumed).hasValue(0);
    List<PullerEvent> rest = q.drain(100, 0);
    assertThat(rest).hasSize(7);
    assertThat(resumed).hasValue(1);
    assertThat(((PullerEvent.Resolved) rest.get(6)).resolvedTs()).isEqualTo(4);
    assertThat(q.bytes()).isZero();
  }

  @Test
  void drainWaitsForTheFirstEvent() throws Exception {
    EventQueue q = new EventQueue(1000);
    long t0 = System.nanoTime();
    assertThat(q.drain(10, 50)).isEmpty();
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(40_000_000L);
    Thread t = new Thread(() -> q.add(resolved(1), () -> { }));
    t.start();
    assertThat(q.drain(10, 5000)).hasSize(1);
    t.join();
  }
}
