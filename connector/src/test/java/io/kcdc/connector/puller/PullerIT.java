package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.connector.UpstreamFixture;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.cluster.EmbeddedCluster;
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

/** The puller against the embedded PD + TiKV over real gRPC: scan, live changes, resolved ts, region splits. */
class PullerIT {
  private static final long TABLE_ID = 100;
  private EmbeddedCluster cluster;
  private ChannelPool channels;
  private PdClient pd;
  private RegionCache regions;
  private Puller puller;
  private final List<PullerEvent> received = new CopyOnWriteArrayList<>();
  private Thread consumer;
  private EventQueue queue;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().stores(2).resolvedTsInterval(Duration.ofMillis(100))
        .splitKeys(List.of(Codec.encodeBytes(TableCodec.recordKey(TABLE_ID, 50)))).start();
    channels = new ChannelPool();
    pd = new PdClient(List.of("http://" + cluster.pdAddress()), channels, Backoff.DEFAULT);
    regions = new RegionCache(pd);
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

  private void startPuller(long tableId, long startTs, long queueBytes) {
    queue = new EventQueue(queueBytes);
    puller = new Puller(regions, channels, queue, 100);
    puller.subscribe(tableId, List.of(tableId), startTs);
    puller.start();
  }

  private void consume() {
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
  }

  private Map<Long, String> latestNames(TableInfo t) {
    Map<Long, String> out = new HashMap<>();
    List<RawKvEntry> rows = new ArrayList<>();
    for (PullerEvent e : received) {
      if (e instanceof PullerEvent.RowEvent r) {
        rows.add(r.entry());
      }
    }
    rows.sort((a, b) -> Long.compare(a.commitTs(), b.commitTs()));
    for (RawKvEntry e : rows) {
      long handle = TableCodec.decodeRecordKey(e.key()).intHandle();
      if (e.op() == RawKvEntry.OpType.DELETE) {
        out.remove(handle);
      } else {
        Object[] values = RowDecoder.decode(t, e.key(), e.value());
        out.put(handle, new String((byte[]) values[1], StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private long lastResolved() {
    long ts = 0;
    for (PullerEvent e : received) {
      if (e instanceof PullerEvent.Resolved r) {
        assertThat(r.resolvedTs()).isGreaterThan(ts);
        ts = r.resolvedTs();
      }
    }
    return ts;
  }

  @Test
  void schemaSnapshotIsReadFromMetaKeys() {
    var fixture = new UpstreamFixture(cluster.txnKv());
    fixture.createSchema(List.of(UpstreamFixture.table(TABLE_ID, "t1"), UpstreamFixture.table(101, "t2")));
    SchemaSnapshot s = new SchemaLoader(new KvClient(regions, channels, Backoff.DEFAULT)).load(pd.currentTs());
    // The fixture also writes mysql.tidb_ddl_job, as every TiDB cluster has it.
    assertThat(s.tables()).extracting(TableInfo::id)
        .containsExactlyInAnyOrder(TABLE_ID, 101L, io.kcdc.tidb.TableCodec.DDL_JOB_TABLE_ID);
    assertThat(s.table("TEST", "t2")).hasValueSatisfying(t -> assertThat(t.id()).isEqualTo(101));
    assertThat(s.databaseOf(TABLE_ID)).hasValueSatisfying(db -> assertThat(db.name().o()).isEqualTo("test"));
    assertThat(s.table(TABLE_ID).orElseThrow().columns()).hasSize(2);
  }

  @Test
  void initialScanLiveChangesResolvedTsAndSplitsOverTwoRegions() {
    var fixture = new UpstreamFixture(cluster.txnKv());
    TableInfo t = UpstreamFixture.table(TABLE_ID, "t");
    long startTs = pd.currentTs();
    // Committed after the start ts but before the puller registers: delivered by the incremental scan.
    fixture.upsert(t, UpstreamFixture.range(1, 100), "scan-");
    startPuller(TABLE_ID, startTs, 64 << 20);
    consume();
    long live1 = fixture.upsert(t, UpstreamFixture.range(40, 60), "live-");
    long del = fixture.delete(t, List.of(1L, 99L));
    await().atMost(Duration.ofSeconds(20)).until(() -> lastResolved() >= del);
    Map<Long, String> names = latestNames(t);
    assertThat(names).hasSize(98);
    assertThat(names.get(2L)).isEqualTo("scan-2");
    assertThat(names.get(45L)).isEqualTo("live-45");
    assertThat(names.get(55L)).isEqualTo("live-55");
    assertThat(names).doesNotContainKeys(1L, 99L);
    assertThat(received).filteredOn(e -> e instanceof PullerEvent.RowEvent r && r.entry().commitTs() == live1)
        .allSatisfy(e -> assertThat(((PullerEvent.RowEvent) e).entry().isUpdate()).isTrue())
        .hasSizeGreaterThanOrEqualTo(21);

    // A split ends the registration with epoch_not_match; both halves resume from its resolved ts.
    cluster.split(Codec.encodeBytes(TableCodec.recordKey(TABLE_ID, 75)));
    long afterSplit = fixture.upsert(t, List.of(70L, 80L, 90L), "split-");
    await().atMost(Duration.ofSeconds(20)).until(() -> lastResolved() >= afterSplit);
    names = latestNames(t);
    assertThat(names.get(70L)).isEqualTo("split-70");
    assertThat(names.get(80L)).isEqualTo("split-80");
    assertThat(names.get(90L)).isEqualTo("split-90");
    assertThat(puller.failure()).isNull();
    // Every row of a resolved ts was delivered before it.
    long seenResolved = 0;
    for (PullerEvent e : received) {
      if (e instanceof PullerEvent.Resolved r) {
        seenResolved = r.resolvedTs();
      } else {
        assertThat(((PullerEvent.RowEvent) e).entry().commitTs()).isGreaterThan(seenResolved);
      }
    }
  }

  @Test
  void fullQueueStopsReadingWithoutDroppingRows() throws Exception {
    var fixture = new UpstreamFixture(cluster.txnKv());
    TableInfo t = UpstreamFixture.table(TABLE_ID, "t");
    long startTs = pd.currentTs();
    for (int i = 0; i < 10; i++) {
      fixture.upsert(t, UpstreamFixture.range(i * 10 + 1, i * 10 + 10), "v-");
    }
    startPuller(TABLE_ID, startTs, 2_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.pausedProducers() > 0);
    long paused = queue.bytes();
    Thread.sleep(300);
    // Nothing is read while nobody drains.
    assertThat(queue.bytes()).isEqualTo(paused);
    consume();
    long last = fixture.upsert(t, List.of(5L), "end-");
    await().atMost(Duration.ofSeconds(20)).until(() -> lastResolved() >= last);
    Map<Long, String> names = latestNames(t);
    assertThat(names).hasSize(100);
    assertThat(names.get(5L)).isEqualTo("end-5");
  }
}
