package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.connector.UpstreamFixture;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.StoreInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The puller against a three-store embedded cluster while regions split, merge and move, stores
 * restart and streams misbehave: no row is lost, no row arrives after a resolved ts covering it,
 * and the table's resolved ts keeps advancing once the fault is over.
 */
class PullerFaultsIT {
  private static final long TABLE_ID = 100;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private EmbeddedCluster cluster;
  private ChannelPool channels;
  private PdClient pd;
  private Puller puller;
  private EventQueue queue;
  private Thread consumer;
  private final List<PullerEvent> received = new CopyOnWriteArrayList<>();
  private final Map<Long, String> expected = new HashMap<>();
  private final TableInfo table = UpstreamFixture.table(TABLE_ID, "t");
  private UpstreamFixture fixture;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().resolvedTsInterval(Duration.ofMillis(50))
        .splitKeys(List.of(key(100), key(200))).start();
    channels = new ChannelPool();
    pd = new PdClient(List.of("http://" + cluster.pdAddress()), channels, Backoff.DEFAULT);
    fixture = new UpstreamFixture(cluster.txnKv());
    long startTs = pd.currentTs();
    upsert(UpstreamFixture.range(1, 300), "scan-");
    queue = new EventQueue(64 << 20);
    puller = new Puller(new RegionCache(pd), channels, queue, 50);
    puller.subscribe(TABLE_ID, List.of(TABLE_ID), startTs);
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
    awaitResolvedPast(pd.currentTs());
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

  private static byte[] key(long handle) {
    return Codec.encodeBytes(TableCodec.recordKey(TABLE_ID, handle));
  }

  private long upsert(List<Long> ids, String prefix) {
    ids.forEach(id -> expected.put(id, prefix + id));
    return fixture.upsert(table, ids, prefix);
  }

  private Region regionOf(long handle) {
    return cluster.regions().regionOf(key(handle));
  }

  private long otherStore(long storeId) {
    return cluster.stores().stream().map(StoreInfo::id).filter(id -> id != storeId).findFirst().orElseThrow();
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

  private void awaitResolvedPast(long ts) {
    await().atMost(WAIT).until(() -> puller.failure() != null || lastResolved() >= ts);
    assertThat(puller.failure()).isNull();
  }

  /**
   * Every expected row arrived; resolved ts only grows; no row comes after a resolved ts at or
   * above its commit ts (so nothing is emitted twice past resolved ts).
   */
  private void assertConsistent() {
    assertThat(puller.failure()).isNull();
    long seenResolved = 0;
    List<RawKvEntry> rows = new ArrayList<>();
    for (PullerEvent e : received) {
      if (e instanceof PullerEvent.Resolved r) {
        assertThat(r.resolvedTs()).isGreaterThan(seenResolved);
        seenResolved = r.resolvedTs();
      } else {
        RawKvEntry entry = ((PullerEvent.RowEvent) e).entry();
        assertThat(entry.commitTs()).isGreaterThan(seenResolved);
        rows.add(entry);
      }
    }
    rows.sort((a, b) -> Long.compare(a.commitTs(), b.commitTs()));
    Map<Long, String> names = new HashMap<>();
    for (RawKvEntry e : rows) {
      Object[] values = RowDecoder.decode(table, e.key(), e.value());
      names.put(TableCodec.decodeRecordKey(e.key()).intHandle(), new String((byte[]) values[1], StandardCharsets.UTF_8));
    }
    assertThat(names).isEqualTo(expected);
  }

  @Test
  void splitMergeAndLeaderTransferLoseNothing() {
    List<Region> halves = cluster.faults().splitRegion(key(150));
    long t1 = upsert(List.of(120L, 160L, 199L), "split-");
    awaitResolvedPast(t1);

    cluster.faults().mergeRegions(halves.get(0).id(), halves.get(1).id());
    long t2 = upsert(List.of(101L, 150L, 180L), "merge-");
    awaitResolvedPast(t2);

    Region region = regionOf(250);
    cluster.faults().transferLeader(region.id(), otherStore(region.leader().storeId()));
    long t3 = upsert(List.of(5L, 205L, 299L), "moved-");
    awaitResolvedPast(t3);
    // Faults between writes of one transaction's keys: split and move while rows flow.
    Region middle = regionOf(150);
    cluster.faults().transferLeader(middle.id(), otherStore(middle.leader().storeId()));
    cluster.faults().splitRegion(key(170));
    long t4 = upsert(UpstreamFixture.range(140, 210), "busy-");
    awaitResolvedPast(t4);
    assertConsistent();
  }

  @Test
  void storeRestartReconnectsAndLosesNothing() {
    long storeId = regionOf(150).leader().storeId();
    long t1 = upsert(List.of(150L, 151L), "before-");
    cluster.faults().restartStore(storeId);
    long t2 = upsert(List.of(152L, 10L, 250L), "after-");
    awaitResolvedPast(Math.max(t1, t2));
    assertConsistent();
  }

  @Test
  void duplicatedAndDelayedEventsAreHarmless() {
    for (StoreInfo s : cluster.stores()) {
      cluster.faults().duplicateEvents(s.id(), true);
    }
    cluster.faults().delayEvents(regionOf(150).leader().storeId(), Duration.ofMillis(300));
    long t1 = upsert(List.of(1L, 150L, 250L), "dup-");
    // A split makes the regions rescan while duplicating.
    cluster.faults().splitRegion(key(260));
    long t2 = upsert(List.of(255L, 265L), "dup2-");
    awaitResolvedPast(Math.max(t1, t2));
    assertConsistent();
  }

  @Test
  void stalledResolvedTsHoldsTheTableBackUntilReleased() throws InterruptedException {
    Region region = regionOf(150);
    cluster.faults().stallResolvedTs(region.id(), true);
    long t1 = upsert(List.of(10L, 150L), "stalled-");
    Thread.sleep(500);
    long held = lastResolved();
    assertThat(held).isLessThan(t1);
    assertThat(puller.resolvedTs(TABLE_ID)).isLessThan(t1);
    cluster.faults().stallResolvedTs(region.id(), false);
    awaitResolvedPast(t1);

    cluster.faults().serverIsBusy(region.id(), 2);
    long t2 = upsert(List.of(151L), "busy-");
    awaitResolvedPast(t2);
    assertConsistent();
  }
}
