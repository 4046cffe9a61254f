package io.kcdc.connector.puller;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over between gRPC stream threads and {@code poll()}. Producers never block
 * and nothing is dropped: a producer that finds the queue over its byte limit stops reading its
 * stream and leaves a resume callback, which runs once the consumer has drained the queue below
 * half the limit. So memory stays bounded by the limit plus one message per stream.
 */
public final class EventQueue {
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<PullerEvent> events = new ArrayDeque<>();
  private final List<Runnable> resumes = new ArrayList<>();
  private long bytes;

  public EventQueue(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Appends {@code batch}. Returns true when the producer may read on; otherwise {@code resume}
   * is kept and run later, when there is room again.
   */
  public boolean add(Collection<? extends PullerEvent> batch, Runnable resume) {
    lock.lock();
    try {
      for (PullerEvent e : batch) {
        events.add(e);
        bytes += e.approximateBytes();
      }
      if (!batch.isEmpty()) {
        notEmpty.signalAll();
      }
      if (bytes < maxBytes) {
        return true;
      }
      resumes.add(resume);
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Takes up to {@code max} events, waiting at most {@code timeoutMs} for the first. */
  public List<PullerEvent> drain(int max, long timeoutMs) throws InterruptedException {
    List<PullerEvent> out = new ArrayList<>();
    List<Runnable> toRun = List.of();
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (events.isEmpty() && nanos > 0) {
        nanos = notEmpty.awaitNanos(nanos);
      }
      while (!events.isEmpty() && out.size() < max) {
        PullerEvent e = events.poll();
        bytes -= e.approximateBytes();
        out.add(e);
      }
      if (bytes < maxBytes / 2 && !resumes.isEmpty()) {
        toRun = new ArrayList<>(resumes);
        resumes.clear();
      }
    } finally {
      lock.unlock();
    }
    toRun.forEach(Runnable::run);
    return out;
  }

  /** Wakes a waiting consumer (used when the puller fails). */
  public void wakeUp() {
    lock.lock();
    try {
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  public int pausedProducers() {
    lock.lock();
    try {
      return resumes.size();
    } finally {
      lock.unlock();
    }
  }
}
