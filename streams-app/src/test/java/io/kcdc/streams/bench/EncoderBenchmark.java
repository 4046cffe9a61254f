package io.kcdc.streams.bench;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.Fixtures;
import io.kcdc.streams.codec.AvroConfig;
import io.kcdc.streams.codec.AvroEncoder;
import io.kcdc.streams.codec.AvroSchemaCache;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.CsvConfig;
import io.kcdc.streams.codec.CsvEncoder;
import io.kcdc.streams.codec.EncodedMessage;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.codec.OpenProtocolEncoder;
import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.codec.SchemaRegistry;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Rows per second one core encodes, per protocol (one row per operation; open protocol builds every 16 rows). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EncoderBenchmark {
  @Param({"canal-json", "open-protocol", "avro", "csv"})
  public String protocol;

  private RowEvent row;
  private RowEventEncoder encoder;
  private CsvEncoder csv;
  private int appended;

  /** A typical ten-column row: ints, decimal, strings, datetime, double, JSON. */
  static RowEvent sampleRow() {
    List<ColumnDef> cols = List.of(
        Fixtures.column(1, "id", MysqlType.TYPE_LONGLONG, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY, MysqlFlag.PRI_KEY),
        Fixtures.column(2, "name", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0),
        Fixtures.column(3, "qty", MysqlType.TYPE_LONG, ColumnFlag.NULLABLE | ColumnFlag.UNSIGNED, MysqlFlag.UNSIGNED),
        ColumnDef.newBuilder(Fixtures.column(4, "price", MysqlType.TYPE_NEWDECIMAL, ColumnFlag.NULLABLE, 0))
            .setFlen(10).setDecimal(2).build(),
        Fixtures.column(5, "note", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0),
        Fixtures.column(6, "created", MysqlType.TYPE_DATETIME, ColumnFlag.NULLABLE, 0),
        Fixtures.column(7, "score", MysqlType.TYPE_DOUBLE, ColumnFlag.NULLABLE, 0),
        Fixtures.column(8, "flag", MysqlType.TYPE_TINY, ColumnFlag.NULLABLE, 0),
        Fixtures.column(9, "attrs", MysqlType.TYPE_JSON, ColumnFlag.NULLABLE, 0),
        Fixtures.column(10, "city", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0));
    TableSchema t = TableSchema.newBuilder().setTableId(1).setSchemaVersion(1).setSchemaName("shop").setTableName("orders")
        .setColumns(cols).setIndexes(List.of()).build();
    // as the mounter writes them: text columns as bytes, DECIMAL/DATETIME/JSON as strings
    List<Object> values = java.util.Arrays.asList(12345L, bytes("Widget <deluxe>"), 42L, "199.99",
        bytes("handle with care"), "2024-02-28 11:58:46", 4.75d, 1L, "{\"color\": \"red\", \"size\": [1, 2]}",
        bytes("Berlin"));
    RowChange r = Fixtures.row(1, 1, 1, 434343434343434343L, RowOp.INSERT, 12345, values, null);
    return Fixtures.event(t, r);
  }

  private static java.nio.ByteBuffer bytes(String s) {
    return java.nio.ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The registry of a benchmark: ids handed out in memory, no HTTP. */
  static SchemaRegistry inMemoryRegistry() {
    return new SchemaRegistry() {
      private final java.util.Map<String, Integer> ids = new java.util.concurrent.ConcurrentHashMap<>();

      @Override
      public int register(String subject, String schema) {
        return ids.computeIfAbsent(schema, s -> ids.size() + 1);
      }

      @Override
      public String schemaById(int id) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Setup
  public void setup() {
    row = sampleRow();
    EncoderConfig config = EncoderConfig.defaults().withTidbExtension(true);
    switch (protocol) {
      case "canal-json" -> encoder = new CanalJsonEncoder(config);
      case "open-protocol" -> encoder = new OpenProtocolEncoder(config);
      case "avro" -> encoder = new AvroEncoder(config, AvroConfig.defaults(), new AvroSchemaCache(inMemoryRegistry()));
      case "csv" -> csv = new CsvEncoder(CsvConfig.defaults());
      default -> throw new IllegalArgumentException(protocol);
    }
  }

  @Benchmark
  public void encodeRow(Blackhole bh) {
    if (csv != null) {
      bh.consume(csv.encode(row));
      return;
    }
    encoder.appendRow("orders", row);
    if (++appended == 16) {
      appended = 0;
      for (EncodedMessage m : encoder.build()) {
        bh.consume(m);
      }
    }
  }
}
