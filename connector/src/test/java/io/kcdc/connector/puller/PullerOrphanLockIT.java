package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.connector.UpstreamFixture;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.kv.Mutation;
import io.kcdc.upstream.kv.PercolatorTransaction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An orphan lock (its TiDB died between prewrite and commit) holds the region's resolved ts in
 * TiKV (the embedded TiKV, like TiKV v8.5.0's resolved-ts tracker, never passes a prewrite lock);
 * the puller notices the lag and resolves the lock as TiCDC does: the table's resolved ts moves
 * again well within 60 s, and the row is emitted exactly once when its primary committed, never
 * when it did not.
 */
class PullerOrphanLockIT {
  private static final long TABLE_ID = 100;
  private static final byte[] ROW = TableCodec.recordKey(TABLE_ID, 5);
  /** The orphan's primary: a key of another table, outside the subscribed span. */
  private static final byte[] PRIMARY = TableCodec.recordKey(TABLE_ID + 1, 1);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final TableInfo table = UpstreamFixture.table(TABLE_ID, "t");
  private final List<PullerEvent> received = new CopyOnWriteArrayList<>();
  private EmbeddedCluster cluster;
  private ChannelPool channels;
  private PdClient pd;
  private Puller puller;
  private Thread consumer;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().resolvedTsInterval(Duration.ofMillis(200)).start();
    channels = new ChannelPool();
    pd = new PdClient(List.of(cluster.pdAddress()), channels, Backoff.DEFAULT);
    EventQueue queue = new EventQueue(64 << 20);
    puller = new Puller(new RegionCache(pd), channels, queue, 100);
    puller.subscribe(TABLE_ID, List.of(TABLE_ID), pd.currentTs());
    puller.start();
    consumer = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          received.addAll(queue.drain(100, 100));
        }
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    });
    consumer.start();
    awaitResolvedPast(pd.currentTs(), Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() throws Exception {
    consumer.interrupt();
    consumer.join(5000);
    puller.close();
    pd.close();
    channels.close();
    cluster.close();
  }

  private long lastResolved() {
    long ts = 0;
    for (PullerEvent e : received) {
      if (e instanceof PullerEvent.Resolved r) {
        ts = r.resolvedTs();
      }
    }
    return ts;
  }

  private void awaitResolvedPast(long ts, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(100))
        .until(() -> puller.failure() != null || lastResolved() >= ts);
    assertThat(puller.failure()).isNull();
  }

  private List<RawKvEntry> rows() {
    return received.stream().filter(e -> e instanceof PullerEvent.RowEvent)
        .map(e -> ((PullerEvent.RowEvent) e).entry()).toList();
  }

  /** A TiDB prewrites ROW under PRIMARY with the default 3 s TTL and dies, maybe after committing PRIMARY. */
  private long orphan(long startTs, boolean primaryCommitted) {
    cluster.store().prewrite(List.of(Mutation.put(PRIMARY, "p".getBytes()),
        Mutation.put(ROW, UpstreamFixture.value(table, "orphan"))), PRIMARY, startTs,
        PercolatorTransaction.DEFAULT_LOCK_TTL_MILLIS);
    if (!primaryCommitted) {
      return 0;
    }
    long commitTs = cluster.tso().next();
    cluster.store().commit(List.of(PRIMARY), startTs, commitTs);
    return commitTs;
  }

  @Test
  void aCommittedPrimaryMakesTheRowAppearOnceAndTheResolvedTsMoveOn() {
    long startTs = cluster.tso().next();
    long commitTs = orphan(startTs, true);
    long after = pd.currentTs();
    long began = System.nanoTime();
    awaitResolvedPast(after, WAIT);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(WAIT);
    // The lock was resolved, not waited out: it held the table below its start ts until then.
    assertThat(cluster.store().scanLocks(TableCodec.tableSpan(TABLE_ID), Long.MAX_VALUE, 10)).isEmpty();
    assertThat(rows()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(ROW);
      assertThat(r.startTs()).isEqualTo(startTs);
      assertThat(r.commitTs()).isEqualTo(commitTs);
    });
    // Every resolved ts before the row is below its commit ts.
    for (PullerEvent e : received) {
      if (e instanceof PullerEvent.RowEvent) {
        break;
      }
      assertThat(((PullerEvent.Resolved) e).resolvedTs()).isLessThan(commitTs);
    }
  }

  @Test
  void anUncommittedPrimaryIsRolledBackAfterItsTtlAndTheRowNeverAppears() {
    long startTs = cluster.tso().next();
    orphan(startTs, false);
    long after = pd.currentTs();
    awaitResolvedPast(after, WAIT);
    assertThat(cluster.store().scanLocks(TableCodec.tableSpan(TABLE_ID), Long.MAX_VALUE, 10)).isEmpty();
    assertThat(cluster.store().get(ROW, pd.currentTs())).isEmpty();
    assertThat(rows()).isEmpty();
  }
}
