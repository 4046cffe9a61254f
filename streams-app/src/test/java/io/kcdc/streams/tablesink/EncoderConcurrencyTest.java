package io.kcdc.streams.tablesink;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.Ddl;
import io.kcdc.avro.RowOp;
import io.kcdc.common.config.ReplicaConfig.DispatchRule;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncodedMessage;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.codec.OpenProtocolEncoder;
import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.sorter.ReleaseBudget;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sink.encoder_concurrency}: a release spread over many (topic, partition) targets, several tables and
 * several chunks comes out byte for byte the same with 4 encoder threads as with encoding on the stream thread.
 * The records are forwarded in a deterministic order, so the whole output sequence is compared (and with it every
 * partition's). Every encoder is checked to be used by one thread at a time.
 */
class EncoderConcurrencyTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1639633095489L), ZoneOffset.UTC);
  private static final int PARTITIONS = 8;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"canal-json", "open-protocol"})
  void parallelEncodingWritesWhatSerialEncodingWrites(String protocol) throws Exception {
    Supplier<RowEventEncoder> factory = switch (protocol) {
      case "canal-json" -> () -> new CanalJsonEncoder(EncoderConfig.defaults().withTidbExtension(true), CLOCK);
      default -> () -> new OpenProtocolEncoder(EncoderConfig.defaults());
    };
    Run serial = run(factory, 1, "serial");
    Run parallel = run(factory, 4, "parallel");

    assertThat(serial.records).hasSizeGreaterThan(100);
    assertThat(hex(parallel.records)).containsExactlyElementsOf(hex(serial.records));
    assertThat(serial.threads).hasSize(1);
    assertThat(parallel.threads).hasSizeGreaterThan(1).allMatch(t -> t.startsWith("cdc-encoder-"));
    assertThat(parallel.encoders.get()).isGreaterThan(PARTITIONS); // two topics, many partitions each
    assertThat(parallel.overlaps.get()).isZero();
    assertThat(serial.overlaps.get()).isZero();
  }

  private record Run(List<String[]> records, Set<String> threads, AtomicInteger encoders, AtomicInteger overlaps) {}

  private Run run(Supplier<RowEventEncoder> factory, int concurrency, String name) throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger encoders = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Supplier<RowEventEncoder> checked = () -> {
      encoders.incrementAndGet();
      return new OneThreadAtATime(factory.get(), threads, overlaps);
    };
    // table u to its own topic by commit ts, everything else by row key: rows spread over every partition
    EventRouter router = new EventRouter(List.of(
        new DispatchRule(List.of("test.u"), "ts", null, null, "out-u"),
        new DispatchRule(List.of("test.*"), "index-value", null, null, null)), "out", "canal-json", false);
    ChangefeedStreams.Config config = ChangefeedStreams.Config.of("unused:9092", "default", "cf-" + name,
        Files.createDirectories(dir.resolve(name)), SinkUri.parse("kafka://unused:9092/out?protocol=canal-json"),
        SinkConfig.empty());
    var plan = new SinkPlan(router, checked, topic -> PARTITIONS, true, null, concurrency, null);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    List<String[]> out = new ArrayList<>();
    // No time limit per turn: a turn cut by the clock resumes the tables in another order, which changes how
    // tables interleave in a shared topic (never the order within a table) and would make the runs incomparable.
    ReleaseBudget untimed = new ReleaseBudget(Integer.MAX_VALUE, Duration.ofDays(1));
    try (TopologyTestDriver driver = new TopologyTestDriver(ChangefeedStreams.topology(config, plan, untimed), p)) {
      TestInputTopic<byte[], byte[]> rows =
          driver.createInputTopic(config.internalTopic(), new ByteArraySerializer(), new ByteArraySerializer());
      rows.pipeInput(null, barrier(Long.MAX_VALUE));
      rows.pipeInput(tableKey(1), encode(testT(1, 1)));
      rows.pipeInput(tableKey(2), encode(named(testT(2, 1), 2, "test", "u")));
      rows.pipeInput(tableKey(3), encode(named(testT(3, 1), 3, "test", "v")));
      // table 1: 1300 rows in 13 transactions (three release chunks), mixed with updates and deletes
      for (int txn = 0; txn < 13; txn++) {
        long commit = 100 + txn * 10;
        for (int i = 0; i < 100; i++) {
          long id = txn * 100 + i;
          rows.pipeInput(tableKey(1), encode(switch (i % 10) {
            case 3 -> row(1, 1, commit - 5, commit, RowOp.UPDATE, id, values(id, "upd-" + id, id),
                values(id, "name-" + id, id));
            case 7 -> row(1, 1, commit - 5, commit, RowOp.DELETE, id, null, values(id, "name-" + id, id));
            default -> insert(1, commit - 5, commit, id);
          }));
        }
      }
      for (int i = 0; i < 300; i++) {
        rows.pipeInput(tableKey(2), encode(insert(2, 50 + i, 60 + i, 10_000 + i)));
        rows.pipeInput(tableKey(3), encode(insert(3, 50 + i % 7, 60 + i % 7, 20_000 + i)));
      }
      rows.pipeInput(tableKey(2), resolved(2, 1000));
      rows.pipeInput(tableKey(1), resolved(1, 1000));
      rows.pipeInput(tableKey(3), resolved(3, 1000));
      for (String topic : List.of("out", "out-u")) {
        for (TestRecord<byte[], byte[]> r : driver.createOutputTopic(topic, new ByteArrayDeserializer(),
            new ByteArrayDeserializer()).readRecordsToList()) {
          out.add(new String[] {topic, hex(r.key()), hex(r.value())});
        }
      }
    }
    return new Run(out, threads, encoders, overlaps);
  }

  private static List<String> hex(List<String[]> records) {
    return records.stream().map(r -> String.join("|", r)).toList();
  }

  private static String hex(byte[] b) {
    return b == null ? "null" : HexFormat.of().formatHex(b);
  }

  /** Delegates to an encoder and counts calls that overlap another call on the same instance. */
  private static final class OneThreadAtATime implements RowEventEncoder {
    private final RowEventEncoder delegate;
    private final Set<String> threads;
    private final AtomicInteger overlaps;
    private final AtomicBoolean busy = new AtomicBoolean();

    OneThreadAtATime(RowEventEncoder delegate, Set<String> threads, AtomicInteger overlaps) {
      this.delegate = delegate;
      this.threads = threads;
      this.overlaps = overlaps;
    }

    private void enter() {
      threads.add(Thread.currentThread().getName());
      if (!busy.compareAndSet(false, true)) {
        overlaps.incrementAndGet();
      }
    }

    @Override
    public void appendRow(String topic, RowEvent row) {
      enter();
      try {
        delegate.appendRow(topic, row);
      } finally {
        busy.set(false);
      }
    }

    @Override
    public List<EncodedMessage> build() {
      enter();
      try {
        return delegate.build();
      } finally {
        busy.set(false);
      }
    }

    @Override
    public Optional<EncodedMessage> encodeDdl(Ddl ddl) {
      return delegate.encodeDdl(ddl);
    }

    @Override
    public Optional<EncodedMessage> encodeCheckpoint(long ts) {
      return delegate.encodeCheckpoint(ts);
    }

    @Override
    public boolean broadcastDdl() {
      return delegate.broadcastDdl();
    }
  }
}
