package io.kcdc.gateway.owner;

import io.kcdc.gateway.etcd.MetaStore;
import io.kcdc.gateway.etcd.Versioned;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.RunningError;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on every capture: keeps {@link LocalProcessors} in line with the changefeeds that should run
 * (state normal or warning), on every etcd change and every {@code resync}, and every {@code poll} while a
 * processor could not be started (a new changefeed's app waits for the topics the owner creates).
 */
public final class ProcessorManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorManager.class);

  private final MetaStore meta;
  private final LocalProcessors local;
  private final Duration poll;
  private final Duration resync;
  private final Semaphore wakeups = new Semaphore(0);
  private final Thread thread;
  private volatile boolean closed;

  /** The capture id the errors in {@link #reported} were written under. */
  private String reportedAs;
  /** Errors this capture has written to its {@code task/position} keys. */
  private final Map<ChangefeedId, RunningError> reported = new HashMap<>();
  private final Supplier<String> captureId;
  private Runnable eachPass = () -> { };

  /** @param captureId this capture's id (empty while it is not registered) */
  public ProcessorManager(MetaStore meta, LocalProcessors local, Duration poll, Duration resync,
      Supplier<String> captureId) {
    this.captureId = captureId;
    this.meta = meta;
    this.local = local;
    this.poll = poll;
    this.resync = resync;
    this.thread = new Thread(this::loop, "processor-manager");
    this.thread.setDaemon(true);
  }

  /** Also runs {@code task} on every pass (before {@link #start()}). */
  public ProcessorManager onEachPass(Runnable task) {
    this.eachPass = task;
    return this;
  }

  public void start() {
    thread.start();
  }

  /** An etcd change happened. */
  public void wake() {
    wakeups.release();
  }

  private void loop() {
    List<ChangefeedInfo> last = null;
    long lastAt = 0;
    boolean settled = false;
    boolean drained = false;
    while (!closed) {
      try {
        eachPass.run();
        String self = captureId.get();
        if (!drained && self != null && !self.isEmpty() && meta.isDraining(self)) {
          // Drained (docs/api-v2.md#drain-a-capture): stop everything here once, then start nothing again.
          LOG.info("capture {} is being drained: stopping its processors and leaving the Connect group", self);
          local.reconcile(List.of());
          local.drain();
          drained = true;
        }
        if (drained) {
          reportErrors();
          waitForWakeup();
          continue;
        }
        List<ChangefeedInfo> running = meta.listInfos().values().stream()
            .map(Versioned::value)
            .filter(i -> i.state().isRunning())
            .toList();
        reportErrors();
        long now = System.nanoTime();
        if (!settled || !running.equals(last) || now - lastAt >= resync.toNanos()) {
          settled = local.reconcile(running);
          last = running;
          lastAt = now;
        }
      } catch (RuntimeException e) {
        LOG.warn("reconciling local processors failed", e);
      }
      waitForWakeup();
    }
  }

  private void waitForWakeup() {
    try {
      if (wakeups.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS)) {
        wakeups.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /**
   * Writes the errors of this capture's processors to {@code task/position/<capture>/<cf>}, where
   * the owner reads them as the changefeed's error, and removes the ones that are gone.
   */
  private void reportErrors() {
    String capture = captureId.get();
    if (capture == null || capture.isEmpty()) {
      return;
    }
    if (reportedAs != null && !reportedAs.equals(capture)) {
      // Registered again under a new id (its etcd session was lost): the keys of the old id go, and what still
      // fails is reported again under the new one.
      for (ChangefeedId id : List.copyOf(reported.keySet())) {
        meta.putTaskPosition(id, reportedAs, null);
        reported.remove(id);
      }
    }
    reportedAs = capture;
    Map<ChangefeedId, RunningError> now = local.errors();
    for (Map.Entry<ChangefeedId, RunningError> e : now.entrySet()) {
      if (!e.getValue().equals(reported.get(e.getKey()))) {
        meta.putTaskPosition(e.getKey(), capture, new MetaStore.TaskPosition(0, 0, 0, e.getValue(), null));
        reported.put(e.getKey(), e.getValue());
        LOG.info("changefeed {} failed on this capture: {}", e.getKey(), e.getValue().message());
      }
    }
    for (ChangefeedId id : List.copyOf(reported.keySet())) {
      if (!now.containsKey(id)) {
        meta.putTaskPosition(id, capture, null);
        reported.remove(id);
      }
    }
  }

  /** Stops the loop and then stops every local processor. */
  @Override
  public void close() {
    closed = true;
    wakeups.release();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      local.reconcile(List.of());
    } catch (RuntimeException e) {
      LOG.warn("stopping local processors failed", e);
    }
  }
}
