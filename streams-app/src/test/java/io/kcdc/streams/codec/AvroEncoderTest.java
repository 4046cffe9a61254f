package io.kcdc.streams.codec;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.Ddl;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ActionType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Avro schemas and Confluent envelopes of docs/output-formats.md#avro, registered in an in-test Confluent registry. */
class AvroEncoderTest {
  private static final long COMMIT_TS = 434343434343434343L;
  private SchemaRegistryServer registry;

  @BeforeEach
  void startRegistry() throws IOException {
    registry = new SchemaRegistryServer(8);
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  private AvroEncoder encoder(boolean tidbExtension, AvroConfig avro) {
    return new AvroEncoder(EncoderConfig.defaults().withTidbExtension(tidbExtension), avro,
        new AvroSchemaCache(new ConfluentSchemaRegistry(registry.url())));
  }

  private static ColumnDef col(long id, String name, int type, int flag, int mysqlFlag) {
    return column(id, name, type, flag, mysqlFlag);
  }

  /** TestAvroEnvelope: a record {@code {id int}} with value 7 and schema id 8. */
  @Test
  void envelopeIsConfluentWireFormat() {
    TableSchema t = TableSchema.newBuilder().setTableId(1).setSchemaVersion(1).setSchemaName("test").setTableName("t")
        .setColumns(List.of(col(1, "id", MysqlType.TYPE_LONG, 0, MysqlFlag.NOT_NULL))).setIndexes(List.of()).build();
    EncodedMessage m = encoder(false, AvroConfig.defaults()).encodeRow("t", event(t, row(1, 1, 1, COMMIT_TS, RowOp.INSERT, 1,
        values(7L), null)));
    assertThat(HexFormat.of().formatHex(m.value())).isEqualTo("00000000080e");
    assertThat(m.key()).isNull(); // no handle key
    assertThat(registry.requests()).containsExactly("POST /subjects/t-value/versions application/vnd.schemaregistry.v1+json");
  }

  /** The {@code avroencode} table of avro_test_data.go: a field of each kind in expectedSchemaWithoutExtension. */
  static TableSchema avroencode() {
    ColumnDef dec = col(3, "decimal", MysqlType.TYPE_NEWDECIMAL, 0, MysqlFlag.NOT_NULL);
    ColumnDef en = ColumnDef.newBuilder(col(4, "enum", MysqlType.TYPE_ENUM, 0, MysqlFlag.NOT_NULL))
        .setElems(List.of("a", "b")).build();
    ColumnDef bit = ColumnDef.newBuilder(col(5, "bit", MysqlType.TYPE_BIT, 0, MysqlFlag.NOT_NULL | MysqlFlag.UNSIGNED))
        .setFlen(1).build();
    return TableSchema.newBuilder().setTableId(2).setSchemaVersion(1).setSchemaName("testdb").setTableName("avroencode")
        .setColumns(List.of(
            col(1, "id", MysqlType.TYPE_LONG, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY, MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL),
            col(2, "tinynullable", MysqlType.TYPE_TINY, ColumnFlag.NULLABLE, 0), dec, en, bit))
        .setIndexes(List.of()).build();
  }

  static final String FIELDS = "{\"name\":\"id\",\"type\":{\"type\":\"int\",\"connect.parameters\":{\"tidb_type\":\"INT\"}}},"
      + "{\"default\":null,\"name\":\"tinynullable\",\"type\":[\"null\",{\"type\":\"int\",\"connect.parameters\":{\"tidb_type\":\"INT\"}}]},"
      + "{\"name\":\"decimal\",\"type\":{\"type\":\"bytes\",\"connect.parameters\":{\"tidb_type\":\"DECIMAL\"},"
      + "\"logicalType\":\"decimal\",\"precision\":10,\"scale\":0}},"
      + "{\"name\":\"enum\",\"type\":{\"type\":\"string\",\"connect.parameters\":{\"allowed\":\"a,b\",\"tidb_type\":\"ENUM\"}}},"
      + "{\"name\":\"bit\",\"type\":{\"type\":\"bytes\",\"connect.parameters\":{\"length\":\"1\",\"tidb_type\":\"BIT\"}}}";

  @Test
  void schemasAsTiCdcBuildsThem() {
    TableInfo t = new TableInfo(avroencode());
    assertThat(AvroSchemas.valueSchema(t, AvroConfig.defaults(), false))
        .isEqualTo("{\"type\":\"record\",\"name\":\"avroencode\",\"namespace\":\"default.testdb\",\"fields\":[" + FIELDS + "]}");
    assertThat(AvroSchemas.valueSchema(t, AvroConfig.defaults(), true))
        .isEqualTo("{\"type\":\"record\",\"name\":\"avroencode\",\"namespace\":\"default.testdb\",\"fields\":[" + FIELDS + ","
            + "{\"default\":\"\",\"name\":\"_tidb_op\",\"type\":\"string\"},"
            + "{\"default\":0,\"name\":\"_tidb_commit_ts\",\"type\":\"long\"},"
            + "{\"default\":0,\"name\":\"_tidb_commit_physical_time\",\"type\":\"long\"}]}");
    assertThat(AvroSchemas.keySchema(t, AvroConfig.defaults())).isEqualTo("{\"type\":\"record\",\"name\":\"avroencode\","
        + "\"namespace\":\"default.testdb\",\"fields\":[{\"name\":\"id\",\"type\":{\"type\":\"int\","
        + "\"connect.parameters\":{\"tidb_type\":\"INT\"}}}]}");
    assertThat(AvroSchemas.valueSchema(t, new AvroConfig("string", "string", false, "default"), false))
        .contains("{\"name\":\"decimal\",\"type\":{\"type\":\"string\",\"connect.parameters\":{\"tidb_type\":\"DECIMAL\"}}}");
    assertThat(AvroSchemas.sanitizeName("1a-b.c")).isEqualTo("_1a_b_c");
    assertThat(AvroSchemas.sanitizeTopic("a.b")).isEqualTo("a_b");
  }

  @Test
  void defaultsAndUnionOrder() {
    ColumnDef withDefault = ColumnDef.newBuilder(col(1, "n", MysqlType.TYPE_LONG, ColumnFlag.NULLABLE, 0)).setDefaultValue("10").build();
    ColumnDef notNullDefault = ColumnDef.newBuilder(col(2, "s", MysqlType.TYPE_VARCHAR, 0, MysqlFlag.NOT_NULL))
        .setDefaultValue("x").build();
    TableSchema s = TableSchema.newBuilder().setTableId(3).setSchemaVersion(1).setSchemaName("db").setTableName("9t")
        .setColumns(List.of(withDefault, notNullDefault)).setIndexes(List.of()).build();
    assertThat(AvroSchemas.valueSchema(new TableInfo(s), AvroConfig.defaults(), false)).isEqualTo("{\"type\":\"record\","
        + "\"name\":\"_9t\",\"namespace\":\"default.db\",\"fields\":["
        + "{\"default\":10,\"name\":\"n\",\"type\":[{\"type\":\"int\",\"connect.parameters\":{\"tidb_type\":\"INT\"}},\"null\"]},"
        + "{\"default\":\"x\",\"name\":\"s\",\"type\":{\"type\":\"string\",\"connect.parameters\":{\"tidb_type\":\"TEXT\"}}}]}");
  }

  /** Every MySQL type through the registry's schema and Apache Avro's reader. */
  @Test
  void valuesDecodeWithTheRegisteredSchema() throws Exception {
    List<ColumnDef> cols = new ArrayList<>();
    List<Object> vals = new ArrayList<>();
    add(cols, vals, col(1, "id", MysqlType.TYPE_LONG, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY, MysqlFlag.PRI_KEY), 1L);
    add(cols, vals, col(2, "tu1", MysqlType.TYPE_TINY, ColumnFlag.UNSIGNED, MysqlFlag.UNSIGNED), 255L);
    add(cols, vals, col(3, "i", MysqlType.TYPE_LONG, 0, 0), -5L);
    add(cols, vals, col(4, "iu", MysqlType.TYPE_LONG, ColumnFlag.UNSIGNED, MysqlFlag.UNSIGNED), 4294967295L);
    add(cols, vals, col(5, "bu", MysqlType.TYPE_LONGLONG, ColumnFlag.UNSIGNED, MysqlFlag.UNSIGNED), -1L);
    add(cols, vals, col(6, "float", MysqlType.TYPE_FLOAT, 0, 0), 3.14f);
    add(cols, vals, col(7, "d", MysqlType.TYPE_DOUBLE, 0, 0), 2.71d);
    add(cols, vals, ColumnDef.newBuilder(col(8, "dec", MysqlType.TYPE_NEWDECIMAL, 0, 0)).setFlen(6).setDecimal(2).build(), "-123.45");
    add(cols, vals, col(9, "vc", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0), ByteBuffer.wrap("hé".getBytes(StandardCharsets.UTF_8)));
    add(cols, vals, col(10, "vb", MysqlType.TYPE_VARCHAR, ColumnFlag.BINARY, MysqlFlag.BINARY), ByteBuffer.wrap(new byte[] {0, 1}));
    add(cols, vals, ColumnDef.newBuilder(col(11, "e", MysqlType.TYPE_ENUM, 0, 0)).setElems(List.of("a", "b")).build(), 2L);
    add(cols, vals, ColumnDef.newBuilder(col(12, "s", MysqlType.TYPE_SET, 0, 0)).setElems(List.of("a", "b", "c")).build(), 5L);
    add(cols, vals, ColumnDef.newBuilder(col(13, "bit", MysqlType.TYPE_BIT, 0, 0)).setFlen(16).build(), 258L);
    add(cols, vals, col(14, "j", MysqlType.TYPE_JSON, 0, 0), "{\"a\": 1}");
    add(cols, vals, col(15, "dt", MysqlType.TYPE_DATETIME, 0, 0), "2020-02-20 02:20:20");
    add(cols, vals, col(16, "y", MysqlType.TYPE_YEAR, 0, 0), 2020L);
    add(cols, vals, col(17, "n", MysqlType.TYPE_LONG, ColumnFlag.NULLABLE, 0), null);
    TableSchema t = TableSchema.newBuilder().setTableId(4).setSchemaVersion(1).setSchemaName("test").setTableName("all")
        .setColumns(cols).setIndexes(List.of()).build();
    AvroEncoder enc = encoder(true, AvroConfig.defaults());
    RowEvent insert = event(t, row(4, 1, 1, COMMIT_TS, RowOp.INSERT, 1, vals, null));
    EncodedMessage m = enc.encodeRow("cdc.all", insert);

    GenericRecord key = decode(m.key());
    assertThat(key.getSchema().getFields()).extracting(Schema.Field::name).containsExactly("id");
    assertThat(key.get("id")).isEqualTo(1);
    GenericRecord v = decode(m.value());
    assertThat(v.get("tu1")).isEqualTo(255);
    assertThat(v.get("i")).isEqualTo(-5);
    assertThat(v.get("iu")).isEqualTo(4294967295L);
    assertThat(v.get("bu")).isEqualTo(-1L);
    assertThat(v.get("float")).isEqualTo(3.14f);
    assertThat(v.get("d")).isEqualTo(2.71d);
    Schema decSchema = v.getSchema().getField("dec").schema();
    BigDecimal dec = new Conversions.DecimalConversion().fromBytes((ByteBuffer) v.get("dec"), decSchema,
        LogicalTypes.decimal(6, 2));
    assertThat(dec).isEqualByComparingTo("-123.45");
    assertThat(v.get("vc").toString()).isEqualTo("hé");
    assertThat(((ByteBuffer) v.get("vb")).array()).containsExactly(0, 1);
    assertThat(v.get("e").toString()).isEqualTo("b");
    assertThat(v.get("s").toString()).isEqualTo("a,c");
    assertThat(((ByteBuffer) v.get("bit")).array()).containsExactly(1, 2);
    assertThat(v.get("j").toString()).isEqualTo("{\"a\": 1}");
    assertThat(v.get("dt").toString()).isEqualTo("2020-02-20 02:20:20");
    assertThat(v.get("y")).isEqualTo(2020);
    assertThat(v.get("n")).isNull();
    assertThat(v.get("_tidb_op").toString()).isEqualTo("c");
    assertThat(v.get("_tidb_commit_ts")).isEqualTo(COMMIT_TS);
    assertThat(v.get("_tidb_commit_physical_time")).isEqualTo(COMMIT_TS >>> 18);

    RowEvent update = event(t, row(4, 1, 1, COMMIT_TS + 1, RowOp.UPDATE, 1, vals, vals));
    assertThat(decode(enc.encodeRow("cdc.all", update).value()).get("_tidb_op").toString()).isEqualTo("u");
    // the schemas were registered once per subject and table version
    assertThat(registry.subjects()).containsOnlyKeys("cdc_all-key", "cdc_all-value");
    assertThat(registry.requests()).filteredOn(r -> r.startsWith("POST")).hasSize(2);
  }

  @Test
  void deleteIsATombstoneAndModesChangeTypes() throws Exception {
    TableSchema t = testT(100, 1);
    AvroEncoder enc = encoder(false, new AvroConfig("string", "string", false, "default"));
    EncodedMessage del = enc.encodeRow("t", event(t, row(100, 1, 1, COMMIT_TS, RowOp.DELETE, 7, null, values(7L, "x", 5L))));
    assertThat(del.value()).isNull();
    assertThat(decode(del.key()).get("id")).isEqualTo(7L);
    ColumnDef ubig = col(1, "id", MysqlType.TYPE_LONGLONG, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY | ColumnFlag.UNSIGNED,
        MysqlFlag.PRI_KEY | MysqlFlag.UNSIGNED | MysqlFlag.NOT_NULL);
    TableSchema u = TableSchema.newBuilder().setTableId(5).setSchemaVersion(1).setSchemaName("test").setTableName("u")
        .setColumns(List.of(ubig)).setIndexes(List.of()).build();
    EncodedMessage m = enc.encodeRow("u", event(u, row(5, 1, 1, COMMIT_TS, RowOp.INSERT, 1, values(-1L), null)));
    assertThat(decode(m.value()).get("id").toString()).isEqualTo("18446744073709551615");
  }

  @Test
  void ddlAndCheckpointOnlyWithWatermark() {
    Ddl ddl = new Ddl(1L, 1L, 1024L, ActionType.CREATE_TABLE, "test", "t", "create table t(a int)");
    assertThat(encoder(true, AvroConfig.defaults()).encodeDdl(ddl)).isEmpty();
    assertThat(encoder(true, AvroConfig.defaults()).encodeCheckpoint(1024)).isEmpty();
    AvroEncoder watermark = encoder(true, new AvroConfig(null, null, true, null));
    EncodedMessage d = watermark.encodeDdl(ddl).orElseThrow();
    assertThat(d.key()).isNull();
    assertThat(d.value()[0]).isEqualTo((byte) 1);
    assertThat(new String(d.value(), 1, d.value().length - 1, StandardCharsets.UTF_8)).isEqualTo(
        "{\"query\":\"create table t(a int)\",\"type\":3,\"schema\":\"test\",\"table\":\"t\",\"commitTs\":1024}");
    assertThat(HexFormat.of().formatHex(watermark.encodeCheckpoint(1024).orElseThrow().value())).isEqualTo("020000000000000400");
  }

  @Test
  void registryErrorsCarryTiCdcCode() {
    registry.close();
    AvroEncoder enc = encoder(false, AvroConfig.defaults());
    assertThatThrownBy(() -> enc.encodeRow("t", event(testT(100, 1), insert(100, 1, COMMIT_TS, 1))))
        .isInstanceOf(EncodeException.class).hasMessageStartingWith("[CDC:ErrAvroSchemaAPIError]");
    assertThatThrownBy(() -> new ConfluentSchemaRegistry(registry.url()).schemaById(99))
        .hasMessageStartingWith("[CDC:ErrAvroSchemaAPIError]");
  }

  private static void add(List<ColumnDef> cols, List<Object> vals, ColumnDef c, Object v) {
    cols.add(c);
    vals.add(v);
  }

  /** Reads a Confluent envelope with the schema the registry returns for its id. */
  private GenericRecord decode(byte[] envelope) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(envelope);
    assertThat(b.get()).isEqualTo((byte) 0);
    int id = b.getInt();
    Schema schema = new Schema.Parser().parse(new ConfluentSchemaRegistry(registry.url()).schemaById(id));
    return new GenericDatumReader<GenericRecord>(schema).read(null,
        DecoderFactory.get().binaryDecoder(envelope, 5, envelope.length - 5, null));
  }
}
