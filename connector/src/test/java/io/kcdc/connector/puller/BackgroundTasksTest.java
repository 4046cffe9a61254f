package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundTasksTest {
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  @Test
  void anErrorInATaskIsReportedWithItsReason() {
    try (BackgroundTasks tasks = new BackgroundTasks("test", failures::add)) {
      tasks.schedule(() -> {
        throw new AssertionError("region table corrupt");
      }, 0);
      await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
      assertThat(failures).singleElement().satisfies(t -> assertThat(t).hasMessage("region table corrupt"));
    }
  }

  /** A bare ScheduledExecutorService would stop a periodic job after its first throw, silently. */
  @Test
  void aPeriodicJobKeepsRunningAfterItFailed() {
    AtomicInteger runs = new AtomicInteger();
    try (BackgroundTasks tasks = new BackgroundTasks("test", failures::add)) {
      tasks.every(() -> {
        if (runs.incrementAndGet() == 1) {
          throw new OutOfMemoryError("simulated");
        }
      }, 10);
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
      assertThat(failures).singleElement().isInstanceOf(OutOfMemoryError.class);
    }
  }

  @Test
  void nothingIsScheduledAfterClose() {
    BackgroundTasks tasks = new BackgroundTasks("test", failures::add);
    tasks.close();
    assertThat(tasks.schedule(() -> { }, 0)).isFalse();
  }
}
