package io.kcdc.gateway.owner;

import io.kcdc.gateway.etcd.MetaStore;
import io.kcdc.gateway.etcd.Versioned;
import io.kcdc.gateway.model.ChangefeedInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on every capture: keeps {@link LocalProcessors} in line with the changefeeds that should run
 * (state normal or warning), on every etcd change and every {@code resync}.
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

  public ProcessorManager(MetaStore meta, LocalProcessors local, Duration poll, Duration resync) {
    this.meta = meta;
    this.local = local;
    this.poll = poll;
    this.resync = resync;
    this.thread = new Thread(this::loop, "processor-manager");
    this.thread.setDaemon(true);
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
    while (!closed) {
      try {
        List<ChangefeedInfo> running = meta.listInfos().values().stream()
            .map(Versioned::value)
            .filter(i -> i.state().isRunning())
            .toList();
        long now = System.nanoTime();
        if (!running.equals(last) || now - lastAt >= resync.toNanos()) {
          local.reconcile(running);
          last = running;
          lastAt = now;
        }
      } catch (RuntimeException e) {
        LOG.warn("reconciling local processors failed", e);
      }
      try {
        if (wakeups.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS)) {
          wakeups.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
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
