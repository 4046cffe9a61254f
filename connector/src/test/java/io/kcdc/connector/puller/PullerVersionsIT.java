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
import io.kcdc.upstream.kv.PercolatorTransaction;
import io.kcdc.upstream.tikv.TikvVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The puller against the embedded TiKV configured as each TiKV release (docs/tikv-eventfeed.md):
 * 7.1 (no EventFeedV2: one EventFeed stream per subscription, registrations keyed by region
 * alone), 7.5 and 8.1 (EventFeedV2, one resolved ts per region) and 8.5 (a resolved ts per
 * downstream range). The TiKV behaviour followed is tikv/tikv components/cdc/src/service.rs,
 * endpoint.rs and delegate.rs on the release branches; the client behaviour is TiCDC's
 * cdc/kv/shared_client.go, shared_stream.go and sharedconn/conn_and_client.go.
 */
class PullerVersionsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long A = 100;
  private static final long B = 101;
  private static final long C = 102;
  private EmbeddedCluster cluster;
  private ChannelPool channels;
  private PdClient pd;
  private Puller puller;
  private EventQueue queue;
  private Thread consumer;
  private UpstreamFixture fixture;
  private final List<PullerEvent> received = new CopyOnWriteArrayList<>();
  private final Map<Long, Map<Long, String>> expected = new HashMap<>();

  private void start(EmbeddedCluster.Builder builder, List<Long> tables) {
    cluster = builder.resolvedTsInterval(Duration.ofMillis(50)).start();
    channels = new ChannelPool();
    pd = new PdClient(List.of("http://" + cluster.pdAddress()), channels, Backoff.DEFAULT);
    fixture = new UpstreamFixture(cluster.txnKv());
    long startTs = pd.currentTs();
    queue = new EventQueue(64 << 20);
    puller = new Puller(new RegionCache(pd), channels, queue, 50);
    for (long t : tables) {
      expected.put(t, new HashMap<>());
      puller.subscribe(t, List.of(t), startTs);
    }
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
    long now = pd.currentTs();
    tables.forEach(t -> awaitResolvedPast(t, now));
  }

  @AfterEach
  void stop() throws Exception {
    if (consumer != null) {
      consumer.interrupt();
      consumer.join(5000);
    }
    if (puller != null) {
      puller.close();
    }
    pd.close();
    channels.close();
    cluster.close();
  }

  private static byte[] key(long table, long handle) {
    return Codec.encodeBytes(TableCodec.recordKey(table, handle));
  }

  private static TableInfo table(long id) {
    return UpstreamFixture.table(id, "t" + id);
  }

  private long upsert(long table, List<Long> ids, String prefix) {
    ids.forEach(id -> expected.get(table).put(id, prefix + id));
    return fixture.upsert(table(table), ids, prefix);
  }

  private long lastResolved(long table) {
    long ts = 0;
    for (PullerEvent e : received) {
      if (e instanceof PullerEvent.Resolved r && r.tableId() == table) {
        ts = r.resolvedTs();
      }
    }
    return ts;
  }

  private void awaitResolvedPast(long table, long ts) {
    await().atMost(WAIT).until(() -> puller.failure() != null || lastResolved(table) >= ts);
    assertThat(puller.failure()).isNull();
  }

  /**
   * Per table: every expected row arrived; resolved ts only grows; no row comes after a resolved
   * ts at or above its commit ts.
   */
  private void assertConsistent() {
    assertThat(puller.failure()).isNull();
    Map<Long, Long> seenResolved = new HashMap<>();
    Map<Long, List<RawKvEntry>> rows = new HashMap<>();
    for (PullerEvent e : received) {
      long seen = seenResolved.getOrDefault(e.tableId(), 0L);
      if (e instanceof PullerEvent.Resolved r) {
        assertThat(r.resolvedTs()).isGreaterThan(seen);
        seenResolved.put(e.tableId(), r.resolvedTs());
      } else {
        RawKvEntry entry = ((PullerEvent.RowEvent) e).entry();
        assertThat(entry.commitTs()).as("row of table %d after resolved ts %d", e.tableId(), seen).isGreaterThan(seen);
        rows.computeIfAbsent(e.tableId(), t -> new ArrayList<>()).add(entry);
      }
    }
    expected.forEach((table, want) -> {
      List<RawKvEntry> got = rows.getOrDefault(table, List.of());
      List<RawKvEntry> sorted = new ArrayList<>(got);
      sorted.sort((a, b) -> Long.compare(a.commitTs(), b.commitTs()));
      Map<Long, String> names = new HashMap<>();
      for (RawKvEntry e : sorted) {
        Object[] values = RowDecoder.decode(table(table), e.key(), e.value());
        names.put(TableCodec.decodeRecordKey(e.key()).intHandle(), new String((byte[]) values[1], StandardCharsets.UTF_8));
      }
      assertThat(names).as("rows of table %d", table).isEqualTo(want);
    });
  }

  private PercolatorTransaction lock(long table, long handle) {
    PercolatorTransaction txn = cluster.txnKv().begin();
    txn.put(TableCodec.recordKey(table, handle), UpstreamFixture.value(table(table), "locked-" + handle));
    txn.prewrite();
    return txn;
  }

  /**
   * Tables A, B and C share region R0 (C's tail is cut into eight more regions R1..R8). A lock
   * holds A; locks newer than A's commit ts hold R1..R8. On a non-multiplexed 8.5 stream R0 is
   * resolved once per table, in two request-id-0 batches (the second at R8's lock); applying
   * such a batch to A's state would pass A's pending commit. On 7.1 a stream holding R0 for
   * three request ids answers DuplicateRequest. On every version A's rows arrive in order and A's
   * resolved ts stays below A's pending commit; from 8.5 on B's resolved ts passes it, before it
   * cannot (one resolved ts per region).
   */
  @ParameterizedTest
  @EnumSource(TikvVersion.class)
  void tablesSharingARegionKeepTheirOwnResolvedTs(TikvVersion version) {
    List<byte[]> splits = new ArrayList<>();
    for (long h = 10; h <= 80; h += 10) {
      splits.add(key(C, h));
    }
    start(EmbeddedCluster.builder().stores(1).tikvVersion(version).splitKeys(splits), List.of(A, B, C));
    Region shared = cluster.regions().regionOf(key(A, 1));
    assertThat(cluster.regions().regionOf(key(B, 1)).id()).isEqualTo(shared.id());
    assertThat(cluster.regions().regionOf(key(C, 1)).id()).isEqualTo(shared.id());

    PercolatorTransaction held = lock(A, 1);
    long commitA = cluster.tso().next();
    List<PercolatorTransaction> locksOfC = new ArrayList<>();
    for (long h = 15; h <= 85; h += 10) {
      locksOfC.add(lock(C, h));
    }
    long wroteB = upsert(B, List.of(1L, 2L), "b-");
    long roundsAfter = cluster.tso().next();
    await().atMost(WAIT).until(() -> puller.failure() != null
        || received.stream().anyMatch(e -> e instanceof PullerEvent.RowEvent r && r.tableId() == B));
    for (int i = 0; i < 5; i++) {
      cluster.advanceResolvedTs();
    }
    await().atMost(WAIT).pollDelay(Duration.ofMillis(300)).until(() -> true);
    assertThat(puller.failure()).isNull();
    // A round may have read its TSO after A's start ts but scanned before the lock was written:
    // the bound that holds is A's commit ts, taken after the prewrite.
    assertThat(lastResolved(A)).isLessThan(commitA);
    if (version.resolvesPerDownstream()) {
      awaitResolvedPast(B, roundsAfter);
    } else {
      assertThat(lastResolved(B)).isLessThan(commitA);
    }

    // A commits at the ts it took before C's locks; then C's locks commit.
    cluster.store().commit(List.of(TableCodec.recordKey(A, 1)), held.startTs(), commitA);
    expected.get(A).put(1L, "locked-1");
    for (PercolatorTransaction txn : locksOfC) {
      txn.commitPrewritten();
    }
    for (long h = 15; h <= 85; h += 10) {
      expected.get(C).put(h, "locked-" + h);
    }
    long end = pd.currentTs();
    awaitResolvedPast(A, end);
    awaitResolvedPast(B, end);
    awaitResolvedPast(C, end);
    assertConsistent();
  }

  /**
   * Splits, merges (the merged region waits for both old registrations to end, no region is
   * deregistered, so no stale region_not_found and no DuplicateRequest) and leader moves while
   * rows flow, over three stores.
   */
  @ParameterizedTest
  @EnumSource(TikvVersion.class)
  void splitMergeAndLeaderMovesLoseNothing(TikvVersion version) {
    start(EmbeddedCluster.builder().tikvVersion(version).splitKeys(List.of(key(A, 100), key(A, 200))), List.of(A, B));
    upsert(A, UpstreamFixture.range(1, 300), "scan-");
    List<Region> halves = cluster.faults().splitRegion(key(A, 150));
    long t1 = upsert(A, List.of(120L, 160L, 199L), "split-");
    awaitResolvedPast(A, t1);

    cluster.faults().mergeRegions(halves.get(0).id(), halves.get(1).id());
    long t2 = upsert(A, List.of(101L, 150L, 180L), "merge-");
    upsert(B, List.of(1L), "b-");
    awaitResolvedPast(A, t2);

    // Merge the region of A's head with its right neighbour.
    Region first = cluster.regions().regionOf(key(A, 1));
    Region second = cluster.regions().regionOf(key(A, 100));
    cluster.faults().mergeRegions(first.id(), second.id());
    Region moved = cluster.regions().regionOf(key(A, 250));
    long other = cluster.stores().stream().map(StoreInfo::id).filter(id -> id != moved.leader().storeId())
        .findFirst().orElseThrow();
    cluster.faults().transferLeader(moved.id(), other);
    cluster.faults().splitRegion(key(A, 170));
    long t3 = upsert(A, UpstreamFixture.range(90, 260), "busy-");
    long t4 = upsert(B, List.of(2L), "b-");
    awaitResolvedPast(A, Math.max(t3, t4));
    awaitResolvedPast(B, Math.max(t3, t4));
    assertConsistent();
  }

  /**
   * Unsubscribing a table stops it as TiCDC does: a whole-request Deregister on a multiplexed
   * stream, the end of its own stream otherwise; the late region_not_found answers reach no
   * state and the other table goes on.
   */
  @ParameterizedTest
  @EnumSource(value = TikvVersion.class, names = {"V7_1", "V8_5"})
  void unsubscribeStopsOneTableOnly(TikvVersion version) {
    start(EmbeddedCluster.builder().stores(1).tikvVersion(version), List.of(A, B));
    long a1 = upsert(A, List.of(1L), "a-");
    awaitResolvedPast(A, a1);
    puller.unsubscribe(A);
    // An event of A already on its way when unsubscribe returned may still land (the task drops events of a span
    // it no longer has): the mark is taken once B has resolved past a commit that followed the unsubscribe.
    awaitResolvedPast(B, upsert(B, List.of(2L), "b-"));
    int before = received.size();
    fixture.upsert(table(A), List.of(2L), "gone-");
    long b1 = upsert(B, List.of(1L), "b-");
    awaitResolvedPast(B, b1);
    // Resubscribing B's neighbour region must still work: split the shared region.
    cluster.faults().splitRegion(key(B, 50));
    long b2 = upsert(B, List.of(60L), "b-");
    awaitResolvedPast(B, b2);
    List<PullerEvent> after = new ArrayList<>(received);
    assertThat(after.subList(before, after.size())).noneMatch(e -> e.tableId() == A);
    assertConsistent();
  }
}
