package io.kcdc.streams.sorter;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.PartitionProgress;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableProgress;
import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.progress.ProgressKeys;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.tablesink.SinkPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sorter ordering, release by min(resolved ts, barrier ts), idempotence and update splitting, on the
 * TopologyTestDriver. Tests not about the barrier open it first ({@link #openBarrier()}).
 */
class SorterProcessorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);
  private static final AvroBinary<PartitionProgress> PARTITION_PROGRESS = new AvroBinary<>(PartitionProgress.class);

  @TempDir Path dir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> rows;
  private TestOutputTopic<byte[], byte[]> sink;
  private TestOutputTopic<byte[], byte[]> progress;
  private ChangefeedStreams.Config config;

  @BeforeEach
  void start() throws Exception {
    start(ReleaseBudget.DEFAULT);
  }

  private void start(ReleaseBudget budget) throws Exception {
    if (driver != null) {
      driver.close();
    }
    config = ChangefeedStreams.Config.of("unused:9092", "default", "cf1", Files.createDirectories(dir.resolve("state")),
        SinkUri.parse("kafka://unused:9092/out?protocol=canal-json"), SinkConfig.empty());
    EventRouter router = new EventRouter(List.of(), "out", "canal-json", false);
    var plan = new SinkPlan(router, () -> new CanalJsonEncoder(EncoderConfig.defaults()), topic -> 3, true);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    driver = new TopologyTestDriver(ChangefeedStreams.topology(config, plan, budget), p);
    rows = driver.createInputTopic(config.internalTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    sink = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    progress = driver.createOutputTopic(config.progressTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(long table, byte[] value) {
    rows.pipeInput(tableKey(table), value);
  }

  private void sendBarrier(long ts) {
    rows.pipeInput(null, barrier(ts));
  }

  private void openBarrier() {
    sendBarrier(Long.MAX_VALUE);
  }

  private List<TableProgress> progressRecords() {
    return progress.readValuesToList().stream().map(PROGRESS::decode).toList();
  }

  private static String progressOf(TableProgress p) {
    return p.getTableId() + ":" + p.getResolvedTs() + "/" + p.getCheckpointTs();
  }

  private List<JsonNode> released() {
    return sink.readValuesToList().stream().map(v -> {
      try {
        return JSON.readTree(v);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  private static List<String> ids(List<JsonNode> msgs) {
    return msgs.stream().map(m -> m.get("type").asText() + ":" + m.get("data").get(0).get("id").asText()).toList();
  }

  @Test
  void releasesRowsUpToResolvedTsInCommitOrderAndDropsDuplicates() {
    openBarrier();
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 30, 40, 4)));
    send(1, encode(insert(1, 10, 20, 2)));
    send(1, encode(insert(1, 10, 20, 1)));
    send(1, encode(insert(1, 50, 60, 6)));
    send(1, encode(insert(1, 10, 20, 2))); // duplicate of a buffered row
    assertThat(sink.isEmpty()).isTrue();

    send(1, resolved(1, 40));
    assertThat(ids(released())).containsExactly("INSERT:1", "INSERT:2", "INSERT:4");
    TableProgress p = PROGRESS.decode(progress.readValue());
    assertThat(p.getTableId()).isEqualTo(1);
    assertThat(p.getCheckpointTs()).isEqualTo(40);
    assertThat(p.getResolvedTs()).isEqualTo(40);

    send(1, encode(insert(1, 30, 40, 4))); // re-sent after a connector restart: already released
    send(1, resolved(1, 40));
    assertThat(sink.isEmpty()).isTrue();
    assertThat(progress.isEmpty()).isTrue();

    send(1, resolved(1, 100));
    assertThat(ids(released())).containsExactly("INSERT:6");
    assertThat(PROGRESS.decode(progress.readValue()).getCheckpointTs()).isEqualTo(100);
  }

  @Test
  void progressCarriesTheLargestCommitTsWrittenSoFar() {
    openBarrier();
    send(1, encode(testT(1, 1)));
    send(1, resolved(1, 10));
    assertThat(PROGRESS.decode(progress.readValue()).getLastSyncedTs()).isZero();
    send(1, encode(insert(1, 10, 20, 1)));
    send(1, encode(insert(1, 30, 40, 2)));
    send(1, encode(insert(1, 50, 60, 3)));
    send(1, resolved(1, 50));
    TableProgress p = PROGRESS.decode(progress.readValue());
    assertThat(p.getCheckpointTs()).isEqualTo(50);
    assertThat(p.getLastSyncedTs()).isEqualTo(40);
    send(1, resolved(1, 55)); // nothing new written: the last synced ts stays
    assertThat(PROGRESS.decode(progress.readValue()).getLastSyncedTs()).isEqualTo(40);
    send(1, resolved(1, 70));
    assertThat(PROGRESS.decode(progress.readValue()).getLastSyncedTs()).isEqualTo(60);
  }

  @Test
  void tablesAreReleasedIndependently() {
    openBarrier();
    send(1, encode(testT(1, 1)));
    send(2, encode(named(testT(2, 1), 2, "test", "u")));
    send(1, encode(insert(1, 1, 5, 1)));
    send(2, encode(insert(2, 1, 3, 2)));
    send(2, resolved(2, 10));
    List<JsonNode> out = released();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).get("table").asText()).isEqualTo("u");
    send(1, resolved(1, 10));
    assertThat(released()).singleElement().satisfies(m -> assertThat(m.get("table").asText()).isEqualTo("t"));
    List<TestRecord<byte[], byte[]>> progressRecords = progress.readRecordsToList();
    assertThat(progressRecords).extracting(r -> PROGRESS.decode(r.value()).getTableId()).containsExactly(2L, 1L);
    assertThat(progressRecords.get(0).key()).isEqualTo(tableKey(2));
  }

  @Test
  void handleKeyChangingUpdateIsSplitIntoDeleteThenInsert() {
    openBarrier();
    send(1, encode(testT(1, 1)));
    // same transaction: a plain update and an update that changes the unique key u
    send(1, encode(row(1, 1, 7, 9, RowOp.UPDATE, 1, values(1L, "b", 1L), values(1L, "a", 1L))));
    send(1, encode(row(1, 1, 7, 9, RowOp.UPDATE, 2, values(2L, "x", 20L), values(2L, "x", 2L))));
    send(1, encode(row(1, 1, 7, 9, RowOp.INSERT, 0, values(0L, "z", 0L), null)));
    send(1, resolved(1, 9));
    List<JsonNode> out = released();
    // deletes < updates < inserts within the transaction
    assertThat(ids(out)).containsExactly("DELETE:2", "UPDATE:1", "INSERT:0", "INSERT:2");
    assertThat(out.get(0).get("data").get(0).get("u").asText()).isEqualTo("2");
    assertThat(out.get(3).get("data").get(0).get("u").asText()).isEqualTo("20");
  }

  @Test
  void manyRowsOfOneTransactionAreReleasedInBatches() {
    openBarrier();
    send(1, encode(testT(1, 1)));
    for (int i = 1500; i > 0; i--) {
      send(1, encode(insert(1, 100, 200, i)));
    }
    send(1, resolved(1, 200));
    List<JsonNode> out = released();
    assertThat(out).hasSize(1500);
    assertThat(out.get(0).get("data").get(0).get("id").asText()).isEqualTo("1");
    assertThat(out.get(1499).get("data").get(0).get("id").asText()).isEqualTo("1500");
    send(1, resolved(1, 300));
    assertThat(sink.isEmpty()).isTrue();
    assertThat(progress.readValuesToList()).hasSize(2);
  }

  @Test
  void nothingIsReleasedBeforeTheFirstBarrier() {
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 5, 10, 1)));
    send(1, encode(insert(1, 25, 30, 3)));
    send(1, encode(insert(1, 15, 20, 2)));
    send(1, resolved(1, 40));
    assertThat(sink.isEmpty()).isTrue();
    // the resolved ts is reported, the checkpoint is not moved
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:40/0");

    sendBarrier(20);
    assertThat(ids(released())).containsExactly("INSERT:1", "INSERT:2");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:40/20");

    sendBarrier(100); // capped by the resolved ts now
    assertThat(ids(released())).containsExactly("INSERT:3");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:40/40");
  }

  @Test
  void rowsAboveTheBarrierAreHeldAndALaterBarrierReleasesThemInCommitOrder() {
    sendBarrier(20);
    send(1, encode(testT(1, 1)));
    send(2, encode(named(testT(2, 1), 2, "test", "u")));
    send(1, encode(insert(1, 28, 30, 13)));
    send(1, encode(insert(1, 5, 10, 11)));
    send(2, encode(insert(2, 33, 35, 22)));
    send(1, encode(insert(1, 22, 25, 12)));
    send(2, encode(insert(2, 12, 15, 21)));
    send(1, encode(insert(1, 45, 60, 14))); // above the table's resolved ts: stays after any barrier below 60
    send(1, resolved(1, 50));
    send(2, resolved(2, 50));
    List<JsonNode> first = released();
    assertThat(ids(first)).containsExactly("INSERT:11", "INSERT:21");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:50/20", "2:50/20");

    sendBarrier(40);
    List<JsonNode> second = released();
    assertThat(ids(second)).containsExactly("INSERT:12", "INSERT:13", "INSERT:22");
    assertThat(second).extracting(m -> m.get("table").asText()).containsExactly("t", "t", "u");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:50/40", "2:50/40");

    // the same barrier again releases nothing and reports nothing
    sendBarrier(40);
    assertThat(sink.isEmpty()).isTrue();
    assertThat(progress.isEmpty()).isTrue();

    sendBarrier(Long.MAX_VALUE);
    assertThat(sink.isEmpty()).isTrue(); // row 14 (commit ts 60) is above the resolved ts 50
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:50/50", "2:50/50");
    send(1, resolved(1, 60));
    assertThat(ids(released())).containsExactly("INSERT:14");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:60/60");
  }

  @Test
  void resolvedTsAboveTheBarrierReleasesOnlyUpToTheBarrier() {
    sendBarrier(30);
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 5, 10, 1)));
    send(1, encode(insert(1, 25, 30, 2)));
    send(1, encode(insert(1, 30, 31, 3)));
    send(1, resolved(1, 20));
    assertThat(ids(released())).containsExactly("INSERT:1");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:20/20");
    send(1, resolved(1, 100));
    assertThat(ids(released())).containsExactly("INSERT:2"); // commit ts 30 <= barrier 30, 31 is held
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:100/30");
    send(1, resolved(1, 90)); // an older resolved ts (re-sent): the highest one is kept, nothing changes
    assertThat(sink.isEmpty()).isTrue();
    assertThat(progress.isEmpty()).isTrue();
  }

  @Test
  void aLowerBarrierNeverTakesBackWhatWasReleased() {
    sendBarrier(50);
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 5, 10, 1)));
    send(1, encode(insert(1, 35, 40, 2)));
    send(1, resolved(1, 45));
    assertThat(ids(released())).containsExactly("INSERT:1", "INSERT:2");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:45/45");

    sendBarrier(20); // a new owner starts lower
    assertThat(sink.isEmpty()).isTrue();
    assertThat(progress.isEmpty()).isTrue();
    send(1, encode(insert(1, 35, 40, 2))); // re-sent: already in the sink
    send(1, encode(insert(1, 46, 47, 3)));
    send(1, encode(insert(1, 55, 60, 4)));
    send(1, resolved(1, 70));
    assertThat(sink.isEmpty()).isTrue();
    // the checkpoint stays at 45, it does not follow the barrier down
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:70/45");

    sendBarrier(48);
    assertThat(ids(released())).containsExactly("INSERT:3");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:70/48");
    sendBarrier(70);
    assertThat(ids(released())).containsExactly("INSERT:4");
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:70/70");
  }

  @Test
  void aLargeReleaseIsWrittenInChunksOverSeveralTurnsAndTheCheckpointWaitsForItsEnd() throws Exception {
    start(new ReleaseBudget(1000, Duration.ofMinutes(1)));
    openBarrier();
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 10, 20, 0)));
    for (int i = 2500; i > 0; i--) {
      send(1, encode(insert(1, 100, 200, i)));
    }
    send(1, resolved(1, 200));
    List<String> out = new ArrayList<>(ids(released()));
    // one turn: 1000 rows; every row below the big transaction's commit ts is in the sink, the transaction is not
    assertThat(out).hasSize(1000);
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:200/199");

    send(1, encode(insert(1, 100, 200, 5))); // re-sent rows: one already written, one not yet
    send(1, encode(insert(1, 100, 200, 2400)));
    out.addAll(ids(released())); // the re-sent row's turn continued the release
    driver.advanceWallClockTime(Duration.ofMillis(100));
    out.addAll(ids(released()));
    driver.advanceWallClockTime(Duration.ofMillis(100));
    out.addAll(ids(released()));
    assertThat(progressRecords()).extracting(SorterProcessorTest::progressOf).containsExactly("1:200/200");

    List<String> expected = new ArrayList<>();
    expected.add("INSERT:0");
    for (int i = 1; i <= 2500; i++) {
      expected.add("INSERT:" + i);
    }
    assertThat(out).containsExactlyElementsOf(expected);
    driver.advanceWallClockTime(Duration.ofMillis(100));
    assertThat(sink.isEmpty()).isTrue();
  }

  @Test
  void releasesOfSeveralTablesShareTheTurns() throws Exception {
    start(new ReleaseBudget(600, Duration.ofMinutes(1)));
    openBarrier();
    send(1, encode(testT(1, 1)));
    send(2, encode(testT(2, 1)));
    for (int i = 1; i <= 1000; i++) {
      send(1, encode(insert(1, 100, 200, i)));
      send(2, encode(insert(2, 100, 200, i)));
    }
    send(1, resolved(1, 200));
    send(2, resolved(2, 200));
    int turns = 0;
    List<String> progress = new ArrayList<>();
    while (progress.size() < 4 && turns++ < 10) {
      progress.addAll(progressRecords().stream().map(SorterProcessorTest::progressOf).toList());
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
    assertThat(progress).containsExactlyInAnyOrder("1:200/199", "2:200/199", "1:200/200", "2:200/200");
    assertThat(released()).hasSize(2000);
  }

  private void sendTaskCheckpoint(int index, int count, long ts) {
    rows.pipeInput(null, encode(new TaskCheckpoint(index, count, ts)));
  }

  /** The progress records since the last call: "p<partition>:resolved/checkpoint" and "table:resolved/checkpoint". */
  private List<String> allProgress() {
    return progress.readRecordsToList().stream().map(r -> ProgressKeys.isPartition(r.key())
        ? progressOf(PARTITION_PROGRESS.decode(r.value())) : progressOf(PROGRESS.decode(r.value()))).toList();
  }

  private static String progressOf(PartitionProgress p) {
    return "p" + p.getPartition() + ":" + p.getResolvedTs() + "/" + p.getCheckpointTs();
  }

  @Test
  void taskCheckpointsOfEveryTaskReleaseTheTablesWithRowsAndReportThePartition() {
    openBarrier();
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 5, 10, 1)));
    sendTaskCheckpoint(0, 2, 100);
    assertThat(sink.isEmpty()).isTrue(); // task 1 of 2 has not spoken: its tables may still have rows below 100
    assertThat(allProgress()).isEmpty();
    sendTaskCheckpoint(1, 2, 50);
    assertThat(ids(released())).containsExactly("INSERT:1");
    assertThat(allProgress()).containsExactly("1:50/50", "p0:50/50");
    sendTaskCheckpoint(1, 2, 40); // an older one, re-sent after a restart: nothing moves back
    sendTaskCheckpoint(1, 2, 120);
    // table 1 has nothing buffered any more: it is idle, and only the partition reports
    assertThat(allProgress()).containsExactly("p0:100/100");
  }

  @Test
  void aTickCostsRecordsForThePartitionNotForEveryIdleTable() {
    openBarrier();
    for (long t = 1; t <= 1000; t++) {
      send(t, encode(testT(t, 1)));
      send(t, encode(insert(t, 5, 10, t)));
    }
    sendTaskCheckpoint(0, 1, 20);
    List<JsonNode> out = new ArrayList<>(released());
    for (int turns = 0; out.size() < 1000 && turns < 100; turns++) {
      driver.advanceWallClockTime(Duration.ofMillis(100)); // a turn releases at most its budget
      out.addAll(released());
    }
    assertThat(out).hasSize(1000);
    sendTaskCheckpoint(0, 1, 25); // finds the tables empty: from now on they are idle
    assertThat(allProgress()).contains("p0:25/25");
    for (long ts = 30; ts <= 100; ts += 10) {
      sendTaskCheckpoint(0, 1, ts);
      sendBarrier(ts + 5);
    }
    // 8 ticks of 1,000 idle tables: at most one partition record per task checkpoint and per barrier
    assertThat(allProgress()).hasSize(15).allMatch(p -> p.startsWith("p0:"));
  }

  @Test
  void thePartitionCheckpointWaitsForTheBarrierAndForTablesWithRowsHeldBack() {
    sendBarrier(30);
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 35, 40, 1)));
    sendTaskCheckpoint(0, 1, 100);
    assertThat(sink.isEmpty()).isTrue();
    assertThat(allProgress()).containsExactly("1:100/30", "p0:100/30");
    sendBarrier(200);
    assertThat(ids(released())).containsExactly("INSERT:1");
    assertThat(allProgress()).containsExactly("1:100/100", "p0:100/100");
  }

  @Test
  void aTableWithRowsAgainAfterBeingIdleStartsFromWhatTheFloorGaveIt() {
    openBarrier();
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 5, 10, 1)));
    send(1, resolved(1, 10));
    assertThat(ids(released())).containsExactly("INSERT:1");
    sendTaskCheckpoint(0, 1, 100);
    assertThat(allProgress()).containsExactly("1:10/10", "1:100/100", "p0:100/100");
    send(1, encode(insert(1, 5, 10, 1))); // re-sent after a restart: in the sink already
    send(1, encode(insert(1, 140, 150, 2)));
    assertThat(allProgress()).isEmpty();
    send(1, resolved(1, 160));
    assertThat(ids(released())).containsExactly("INSERT:2");
    assertThat(allProgress()).containsExactly("1:160/160");
  }
}
