package io.kcdc.capture.runtime;

import io.kcdc.gateway.Capture;
import io.kcdc.gateway.etcd.Versioned;
import io.kcdc.gateway.model.CaptureInfo;
import io.kcdc.streams.StreamsProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run by the owner: fences the open Streams transactions of captures that are gone, as soon as etcd says they are
 * gone, instead of leaving them to the transaction timeout and the broker's next look for timed-out transactions.
 * Until such a transaction ends, every read_committed reader of a partition it wrote (the moved sorter task's
 * changelog restore, the owner's progress reads, the sink's consumers) stands still
 * (docs/crash-recovery.md#fencing-a-dead-captures-transactions).
 */
public final class StreamsFencer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsFencer.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  /** Records of dead captures whose instances have no open transaction are swept this often. */
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);

  private final Admin admin;
  private final String applicationIdPrefix;
  private final Capture capture;
  private final ScheduledExecutorService executor;
  private long lastSweep = System.nanoTime() - SWEEP_INTERVAL.toNanos();

  /**
   * What to do in one pass.
   *
   * @param fence the transactional ids to fence, by the process id of their instance
   * @param forget records of instances of dead captures that have no open transaction (process id → mod revision)
   */
  record Decision(Map<String, List<String>> fence, Map<String, Long> forget) {
    boolean isEmpty() {
      return fence.isEmpty() && forget.isEmpty();
    }
  }

  /**
   * Decides from the open transactions, the recorded instances and the live captures. Only an instance recorded
   * under a capture that is no longer registered is fenced: an instance nobody recorded (a {@code cdc streams}
   * process, an app of another cluster on the same brokers) is left to its transaction timeout.
   *
   * @param openTransactionalIds transactional ids of open transactions
   * @param applicationIdPrefix the prefix of this cluster's Streams application ids
   * @param records the capture of every recorded instance, by process id
   * @param liveCaptures ids of the registered captures
   */
  static Decision decide(Collection<String> openTransactionalIds, String applicationIdPrefix,
      Map<String, Versioned<String>> records, Set<String> liveCaptures) {
    Map<String, List<String>> open = new LinkedHashMap<>();
    for (String id : openTransactionalIds) {
      Optional<StreamsProcess.TransactionalId> parsed = StreamsProcess.TransactionalId.parse(id);
      if (parsed.isPresent() && parsed.get().applicationId().startsWith(applicationIdPrefix)) {
        open.computeIfAbsent(parsed.get().processId(), p -> new ArrayList<>()).add(id);
      }
    }
    Map<String, List<String>> fence = new LinkedHashMap<>();
    Map<String, Long> forget = new LinkedHashMap<>();
    for (Map.Entry<String, Versioned<String>> r : records.entrySet()) {
      if (liveCaptures.contains(r.getValue().value())) {
        continue;
      }
      List<String> ids = open.get(r.getKey());
      if (ids != null) {
        fence.put(r.getKey(), List.copyOf(ids));
      } else {
        forget.put(r.getKey(), r.getValue().modRevision());
      }
    }
    return new Decision(fence, forget);
  }

  /** @param clusterId the TiCDC cluster whose Streams apps' transactions are looked at */
  public StreamsFencer(Admin admin, String clusterId, Capture capture) {
    this.admin = admin;
    this.applicationIdPrefix = "cdc-" + clusterId + ".";
    this.capture = capture;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "streams-fencer");
      t.setDaemon(true);
      return t;
    });
  }

  /** Looks every {@code interval} while this capture is the owner. */
  public StreamsFencer start(Duration interval) {
    executor.scheduleWithFixedDelay(() -> {
      try {
        if (capture.isOwner()) {
          runOnce();
        }
      } catch (RuntimeException | Error e) {
        LOG.warn("fencing the transactions of dead captures' Streams apps failed; trying again", e);
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One pass: the broker's open transactions first (the etcd read only when they name an app of this cluster). */
  void runOnce() {
    List<String> open = new ArrayList<>();
    for (TransactionListing t : get(admin.listTransactions(
        new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING))).all())) {
      if (t.transactionalId().startsWith(applicationIdPrefix)) {
        open.add(t.transactionalId());
      }
    }
    long now = System.nanoTime();
    boolean sweep = now - lastSweep >= SWEEP_INTERVAL.toNanos();
    if (open.isEmpty() && !sweep) {
      return;
    }
    Set<String> live = new HashSet<>();
    for (CaptureInfo c : capture.captures()) {
      live.add(c.id());
    }
    Map<String, Versioned<String>> records = capture.streamsProcesses();
    Decision d = decide(open, applicationIdPrefix, records, live);
    for (Map.Entry<String, List<String>> e : d.fence().entrySet()) {
      get(admin.fenceProducers(e.getValue()).all());
      LOG.info("fenced the open Streams transactions {} of capture {}, which is gone", e.getValue(),
          records.get(e.getKey()).value());
      capture.forgetStreamsProcess(e.getKey(), records.get(e.getKey()).modRevision());
    }
    if (sweep) {
      d.forget().forEach(capture::forgetStreamsProcess);
      lastSweep = now;
    }
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) {
    try {
      return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer from Kafka in " + CALL_TIMEOUT.toSeconds() + " s", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
