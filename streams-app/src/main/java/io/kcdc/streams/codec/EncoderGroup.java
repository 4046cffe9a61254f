package io.kcdc.streams.codec;

import io.kcdc.streams.model.RowEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The encoders of one stream task, one per (topic, partition), and the pool that runs them (TiCDC's
 * {@code encoderGroup}, {@code sink.encoder_concurrency} threads): {@link #encode} encodes a chunk of routed rows
 * with the targets in parallel and each target's rows in order on one thread, and returns when every target is done.
 *
 * <p>Encoders are not thread-safe; an encoder is handed to at most one pool thread per {@link #encode} call and the
 * call waits for all of them, so no encoder is ever used by two threads at once (the pool's submit and
 * {@code Future.get} order the hand-overs). The encoder map itself is only touched by the calling thread. With
 * concurrency 1, or a chunk of one target, the caller encodes inline. Pool threads end when idle.
 */
public final class EncoderGroup implements AutoCloseable {
  /** Where an encoder's records go. */
  public record Target(String topic, int partition) {}

  private static final long IDLE_SECONDS = 30;
  private final Supplier<RowEventEncoder> factory;
  private final Map<Target, RowEventEncoder> encoders = new HashMap<>();
  private final ThreadPoolExecutor pool;

  /**
   * @param concurrency {@code sink.encoder_concurrency}, at least 1
   * @param threadName prefix of the pool's thread names
   */
  public EncoderGroup(Supplier<RowEventEncoder> factory, int concurrency, String threadName) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("encoder concurrency must be at least 1, got " + concurrency);
    }
    this.factory = factory;
    if (concurrency == 1) {
      this.pool = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory threads = r -> {
        Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      this.pool = new ThreadPoolExecutor(concurrency, concurrency, IDLE_SECONDS, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), threads);
      this.pool.allowCoreThreadTimeOut(true);
    }
  }

  /**
   * Appends each target's rows, in order, to the target's encoder and builds its records.
   *
   * @return the records per target, in the chunk's target order
   * @throws EncodeException (or any other runtime exception of an encoder) after every target has finished
   */
  public Map<Target, List<EncodedMessage>> encode(Map<Target, List<RowEvent>> chunk) {
    Map<Target, List<EncodedMessage>> out = new LinkedHashMap<>();
    if (pool == null || chunk.size() == 1) {
      chunk.forEach((target, rows) -> out.put(target, encode(encoder(target), target, rows)));
      return out;
    }
    Map<Target, Future<List<EncodedMessage>>> futures = new LinkedHashMap<>();
    chunk.forEach((target, rows) -> {
      RowEventEncoder encoder = encoder(target);
      futures.put(target, pool.submit(() -> encode(encoder, target, rows)));
    });
    RuntimeException failure = null;
    boolean interrupted = false;
    for (Map.Entry<Target, Future<List<EncodedMessage>>> e : futures.entrySet()) {
      while (true) {
        try {
          out.put(e.getKey(), e.getValue().get());
          break;
        } catch (InterruptedException ie) {
          interrupted = true; // keep waiting: an encoder must not outlive the call on another thread
        } catch (ExecutionException ee) {
          if (failure == null) {
            failure = ee.getCause() instanceof RuntimeException re ? re
                : new IllegalStateException("encoding failed: " + ee.getCause(), ee.getCause());
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }

  private RowEventEncoder encoder(Target target) {
    return encoders.computeIfAbsent(target, t -> factory.get());
  }

  private static List<EncodedMessage> encode(RowEventEncoder encoder, Target target, List<RowEvent> rows) {
    for (RowEvent row : rows) {
      encoder.appendRow(target.topic(), row);
    }
    return new ArrayList<>(encoder.build());
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
