package io.kcdc.connector.puller;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The puller's one scheduler thread, where nothing fails silently: whatever a task throws, an
 * {@link Error} included, goes to {@code onFailure} (a plain executor would keep it in a future
 * nobody reads, and a periodic job would just stop running). A periodic job keeps its schedule
 * after a failure.
 */
final class BackgroundTasks implements AutoCloseable {
  private final ScheduledExecutorService executor;
  private final Consumer<Throwable> onFailure;

  BackgroundTasks(String threadName, Consumer<Throwable> onFailure) {
    this.onFailure = onFailure;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs {@code task} after {@code delayMs}; false once closed. */
  boolean schedule(Runnable task, long delayMs) {
    try {
      executor.schedule(guarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Runs {@code job} every {@code periodMs}, also after it failed. */
  void every(Runnable job, long periodMs) {
    executor.scheduleWithFixedDelay(guarded(job), periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        onFailure.accept(t);
      }
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
