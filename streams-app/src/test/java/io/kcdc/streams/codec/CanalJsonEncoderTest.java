package io.kcdc.streams.codec;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.Ddl;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ActionType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden canal-json from docs/output-formats.md#canal-json (the wall-clock {@code ts} is pinned by a fixed clock). */
class CanalJsonEncoderTest {
  private static final long NOW = 1639633095489L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private static final long COMMIT_TS = 434343434343434343L; // es = commitTs >> 18 = 1656888711332

  private static CanalJsonEncoder encoder(boolean tidbExtension) {
    return new CanalJsonEncoder(EncoderConfig.defaults().withTidbExtension(tidbExtension), CLOCK);
  }

  /** {@code create table test.t(a varchar(255) primary key)}. */
  private static TableSchema varcharPk() {
    ColumnDef a = column(1, "a", MysqlType.TYPE_VARCHAR, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY,
        MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL);
    return TableSchema.newBuilder().setTableId(10).setSchemaVersion(1).setSchemaName("test").setTableName("t")
        .setColumns(List.of(a)).setIndexes(List.of()).build();
  }

  @Test
  void insertWithTidbExtensionMatchesTiCdcOutput() {
    var e = event(varcharPk(), row(10, 1, 1, COMMIT_TS, RowOp.INSERT, 1, values("aa"), null));
    EncodedMessage m = encoder(true).encodeRow(e);
    assertThat(m.key()).isNull();
    assertThat(str(m.value())).isEqualTo("{\"id\":0,\"database\":\"test\",\"table\":\"t\",\"pkNames\":[\"a\"],"
        + "\"isDdl\":false,\"type\":\"INSERT\",\"es\":1656888711332,\"ts\":1639633095489,\"sql\":\"\","
        + "\"sqlType\":{\"a\":12},\"mysqlType\":{\"a\":\"varchar\"},\"old\":null,\"data\":[{\"a\":\"aa\"}],"
        + "\"_tidb\":{\"commitTs\":434343434343434343}}");
  }

  @Test
  void updateCarriesOldImageAndDeleteCarriesOldAsData() {
    TableSchema t = testT(100, 1);
    var update = event(t, row(100, 1, 1, COMMIT_TS, RowOp.UPDATE, 1, values(1L, "new", 5L), values(1L, "old", 5L)));
    assertThat(str(encoder(false).encodeRow(update).value())).isEqualTo("{\"id\":0,\"database\":\"test\",\"table\":\"t\","
        + "\"pkNames\":[\"id\"],\"isDdl\":false,\"type\":\"UPDATE\",\"es\":1656888711332,\"ts\":1639633095489,\"sql\":\"\","
        + "\"sqlType\":{\"id\":-5,\"name\":12,\"u\":4},\"mysqlType\":{\"id\":\"bigint\",\"name\":\"varchar\",\"u\":\"int unsigned\"},"
        + "\"old\":[{\"id\":\"1\",\"name\":\"old\",\"u\":\"5\"}],\"data\":[{\"id\":\"1\",\"name\":\"new\",\"u\":\"5\"}]}");

    var delete = event(t, row(100, 1, 1, COMMIT_TS, RowOp.DELETE, 1, null, values(1L, null, 4294967295L)));
    assertThat(str(encoder(false).encodeRow(delete).value())).isEqualTo("{\"id\":0,\"database\":\"test\",\"table\":\"t\","
        + "\"pkNames\":[\"id\"],\"isDdl\":false,\"type\":\"DELETE\",\"es\":1656888711332,\"ts\":1639633095489,\"sql\":\"\","
        + "\"sqlType\":{\"id\":-5,\"name\":12,\"u\":-5},\"mysqlType\":{\"id\":\"bigint\",\"name\":\"varchar\",\"u\":\"int unsigned\"},"
        + "\"old\":null,\"data\":[{\"id\":\"1\",\"name\":null,\"u\":\"4294967295\"}]}");
  }

  @Test
  void onlyOutputUpdatedColumnsDropsUnchangedOldValues() {
    var e = event(testT(100, 1), row(100, 1, 1, COMMIT_TS, RowOp.UPDATE, 1, values(1L, "new", 5L), values(1L, "old", 5L)));
    var enc = new CanalJsonEncoder(new EncoderConfig(false, true, false, false, EncoderConfig.DEFAULT_MAX_MESSAGE_BYTES), CLOCK);
    assertThat(str(enc.encodeRow(e).value())).contains("\"old\":[{\"name\":\"old\"}],\"data\":[{\"id\":\"1\",\"name\":\"new\",\"u\":\"5\"}]");
  }

  @Test
  void deleteOnlyHandleKeyColumns() {
    var e = event(testT(100, 1), row(100, 1, 1, COMMIT_TS, RowOp.DELETE, 1, null, values(1L, "x", 5L)));
    var enc = new CanalJsonEncoder(new EncoderConfig(false, false, true, false, EncoderConfig.DEFAULT_MAX_MESSAGE_BYTES), CLOCK);
    assertThat(str(enc.encodeRow(e).value()))
        .contains("\"sqlType\":{\"id\":-5},\"mysqlType\":{\"id\":\"bigint\"},\"old\":null,\"data\":[{\"id\":\"1\"}]}");
  }

  /** The value stringification table of docs/output-formats.md#canal-json (historic canal_test_util.go). */
  @Test
  void valueStringificationAndSqlTypes() {
    List<ColumnDef> cols = new ArrayList<>();
    List<Object> vals = new ArrayList<>();
    addCol(cols, vals, "tiny", MysqlType.TYPE_TINY, 0, 127L);
    addCol(cols, vals, "utiny", MysqlType.TYPE_TINY, ColumnFlag.UNSIGNED, 128L);
    addCol(cols, vals, "ubig", MysqlType.TYPE_LONGLONG, ColumnFlag.UNSIGNED, -1L);
    addCol(cols, vals, "f", MysqlType.TYPE_FLOAT, 0, 3.14f);
    addCol(cols, vals, "d", MysqlType.TYPE_DOUBLE, 0, 2.71d);
    addCol(cols, vals, "dec", MysqlType.TYPE_NEWDECIMAL, 0, "2333");
    addCol(cols, vals, "date", MysqlType.TYPE_DATE, 0, "2020-02-20");
    addCol(cols, vals, "dt", MysqlType.TYPE_DATETIME, 0, "2020-02-20 02:20:20");
    addCol(cols, vals, "tm", MysqlType.TYPE_DURATION, 0, "02:20:20");
    addCol(cols, vals, "y", MysqlType.TYPE_YEAR, 0, 2020L);
    addCol(cols, vals, "e", MysqlType.TYPE_ENUM, 0, 1L);
    addCol(cols, vals, "s", MysqlType.TYPE_SET, 0, 2L);
    addCol(cols, vals, "b", MysqlType.TYPE_BIT, 0, 65L);
    addCol(cols, vals, "j", MysqlType.TYPE_JSON, 0, "{\"key1\": \"value1\"}");
    addCol(cols, vals, "blob", MysqlType.TYPE_BLOB, ColumnFlag.BINARY, ByteBuffer.wrap(new byte[] {(byte) 0xe9, 0x41}));
    addCol(cols, vals, "text", MysqlType.TYPE_BLOB, 0, ByteBuffer.wrap("é<&>".getBytes(StandardCharsets.UTF_8)));
    addCol(cols, vals, "n", MysqlType.TYPE_LONG, 0, null);
    TableSchema t = TableSchema.newBuilder().setTableId(11).setSchemaVersion(1).setSchemaName("test").setTableName("all")
        .setColumns(cols).setIndexes(List.of()).build();
    String json = str(encoder(false).encodeRow(event(t, row(11, 1, 1, COMMIT_TS, RowOp.INSERT, 1, vals, null))).value());
    assertThat(json).contains("\"pkNames\":[],")
        .contains("\"sqlType\":{\"tiny\":-6,\"utiny\":5,\"ubig\":3,\"f\":7,\"d\":8,\"dec\":3,\"date\":91,\"dt\":93,\"tm\":92,"
            + "\"y\":12,\"e\":4,\"s\":-7,\"b\":-7,\"j\":12,\"blob\":2004,\"text\":2005,\"n\":4}")
        .contains("\"mysqlType\":{\"tiny\":\"tinyint\",\"utiny\":\"tinyint unsigned\",\"ubig\":\"bigint unsigned\","
            + "\"f\":\"float\",\"d\":\"double\",\"dec\":\"decimal\",\"date\":\"date\",\"dt\":\"datetime\",\"tm\":\"time\","
            + "\"y\":\"year\",\"e\":\"enum\",\"s\":\"set\",\"b\":\"bit\",\"j\":\"json\",\"blob\":\"blob\",\"text\":\"text\",\"n\":\"int\"}")
        .contains("\"data\":[{\"tiny\":\"127\",\"utiny\":\"128\",\"ubig\":\"18446744073709551615\",\"f\":\"3.14\",\"d\":\"2.71\","
            + "\"dec\":\"2333\",\"date\":\"2020-02-20\",\"dt\":\"2020-02-20 02:20:20\",\"tm\":\"02:20:20\",\"y\":\"2020\","
            + "\"e\":\"1\",\"s\":\"2\",\"b\":\"65\",\"j\":\"{\\\"key1\\\": \\\"value1\\\"}\",\"blob\":\"éA\","
            + "\"text\":\"é\\u003c\\u0026\\u003e\",\"n\":null}]");
  }

  private static void addCol(List<ColumnDef> cols, List<Object> vals, String name, int type, int flag, Object v) {
    ColumnDef c = column(cols.size() + 1, name, type, flag, (flag & ColumnFlag.UNSIGNED) != 0 ? MysqlFlag.UNSIGNED : 0);
    if (name.equals("text")) {
      c = ColumnDef.newBuilder(c).setCharset("utf8mb4").setCollation("utf8mb4_bin").build();
    }
    cols.add(c);
    vals.add(v);
  }

  @Test
  void goStyleEscaping() {
    assertThat(new GoJsonWriter().string("a\"b\\c\n\r\t\u0001\u2028<>&€😀").toString())
        .isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u2028\\u003c\\u003e\\u0026€😀\"");
    assertThat(new GoJsonWriter().string("x\ud800y").toString()).isEqualTo("\"x\\ufffdy\"");
    // runs of plain text around escapes, a lone low surrogate, a high surrogate at the end
    assertThat(new GoJsonWriter().string("plain text<b>more\udc00tail\ud83d").toString())
        .isEqualTo("\"plain text\\u003cb\\u003emore\\ufffdtail\\ufffd\"");
    assertThat(new GoJsonWriter().string("").toString()).isEqualTo("\"\"");
  }

  @Test
  void watermarkOnlyWithTidbExtension() {
    assertThat(encoder(false).encodeCheckpoint(1024)).isEmpty();
    assertThat(str(encoder(true).encodeCheckpoint(1024).orElseThrow().value())).isEqualTo("{\"id\":0,\"database\":\"\","
        + "\"table\":\"\",\"pkNames\":null,\"isDdl\":false,\"type\":\"TIDB_WATERMARK\",\"es\":0,\"ts\":1639633095489,"
        + "\"sql\":\"\",\"sqlType\":null,\"mysqlType\":null,\"data\":null,\"old\":null,\"_tidb\":{\"watermarkTs\":1024}}");
  }

  /** The design-doc sample's layout; its {@code es} there is not {@code commitTs >> 18}, so es is recomputed. */
  @Test
  void ddlMessageMatchesTiCdcSample() {
    Ddl ddl = new Ddl(0L, 163963309467037590L, 163963309467037594L, ActionType.DROP_SCHEMA, "test", "",
        "drop database if exists test");
    assertThat(str(encoder(true).encodeDdl(ddl).orElseThrow().value())).isEqualTo("{\"id\":0,\"database\":\"test\",\"table\":\"\","
        + "\"pkNames\":null,\"isDdl\":true,\"type\":\"QUERY\",\"es\":625470388286,\"ts\":1639633095489,"
        + "\"sql\":\"drop database if exists test\",\"sqlType\":null,\"mysqlType\":null,\"data\":null,\"old\":null,"
        + "\"_tidb\":{\"commitTs\":163963309467037594}}");
    assertThat(CanalJsonEncoder.ddlType(ActionType.CREATE_TABLE)).isEqualTo("CREATE");
    assertThat(CanalJsonEncoder.ddlType(ActionType.ADD_COLUMN)).isEqualTo("ALTER");
    assertThat(CanalJsonEncoder.ddlType(ActionType.TRUNCATE_TABLE)).isEqualTo("TRUNCATE");
    assertThat(CanalJsonEncoder.ddlType(ActionType.DROP_TABLE)).isEqualTo("ERASE");
    assertThat(CanalJsonEncoder.ddlType(ActionType.RENAME_TABLES)).isEqualTo("RENAME");
    assertThat(encoder(false).broadcastDdl()).isFalse();
  }

  @Test
  void contentCompatibleWritesFullTypes() {
    var e = event(testT(100, 1), row(100, 1, 1, COMMIT_TS, RowOp.INSERT, 1, values(1L, "a", 5L), null));
    var enc = new CanalJsonEncoder(new EncoderConfig(false, false, false, true, EncoderConfig.DEFAULT_MAX_MESSAGE_BYTES), CLOCK);
    assertThat(str(enc.encodeRow(e).value()))
        .contains("\"mysqlType\":{\"id\":\"bigint(20)\",\"name\":\"varchar(1)\",\"u\":\"int(10) unsigned\"}");
  }

  @Test
  void tooLargeMessageIsRejected() {
    var e = event(varcharPk(), row(10, 1, 1, COMMIT_TS, RowOp.INSERT, 1, values("aa"), null));
    int size = encoder(false).encodeRow(e).length();
    var fits = new CanalJsonEncoder(new EncoderConfig(false, false, false, false, size), CLOCK);
    assertThat(fits.encodeRow(e).value()).isNotEmpty();
    var tooSmall = new CanalJsonEncoder(new EncoderConfig(false, false, false, false, size - 1), CLOCK);
    assertThatThrownBy(() -> tooSmall.encodeRow(e)).isInstanceOf(EncodeException.class)
        .extracting(x -> ((EncodeException) x).code()).isEqualTo("CDC:ErrMessageTooLarge");
  }

  @Test
  void largeRowsFallBackToHandleKeyOrClaimCheck(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var big = event(testT(100, 1), row(100, 1, 1, COMMIT_TS, RowOp.INSERT, 7, values(7L, "x".repeat(1000), 5L), null));
    EncoderConfig small = EncoderConfig.defaults().withTidbExtension(true).withMaxMessageBytes(600);
    var keyOnly = new CanalJsonEncoder(small.withLargeMessageHandle(
        new LargeMessageHandle(LargeMessageHandle.Option.HANDLE_KEY_ONLY, null, null, false)), CLOCK);
    assertThat(str(keyOnly.encodeRow(big).value())).isEqualTo("{\"id\":0,\"database\":\"test\",\"table\":\"t\","
        + "\"pkNames\":[\"id\"],\"isDdl\":false,\"type\":\"INSERT\",\"es\":1656888711332,\"ts\":1639633095489,"
        + "\"sql\":\"\",\"sqlType\":{\"id\":-5},\"mysqlType\":{\"id\":\"bigint\"},\"old\":null,\"data\":[{\"id\":\"7\"}],"
        + "\"_tidb\":{\"commitTs\":434343434343434343,\"onlyHandleKey\":true}}");

    String uri = dir.toUri().toString();
    var claim = new CanalJsonEncoder(small.withLargeMessageHandle(
        new LargeMessageHandle(LargeMessageHandle.Option.CLAIM_CHECK, "none", uri, false)), CLOCK);
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(claim.encodeRow(big).value());
    String location = json.get("_tidb").get("claimCheckLocation").asText();
    assertThat(location).startsWith(uri.replaceAll("/$", "") + "/").endsWith(".json");
    assertThat(json.get("data").get(0).size()).isEqualTo(1);
    var stored = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        java.nio.file.Files.readAllBytes(java.nio.file.Path.of(java.net.URI.create(location))));
    assertThat(stored.get("key").isNull()).isTrue();
    assertThat(str(java.util.Base64.getDecoder().decode(stored.get("value").asText())))
        .isEqualTo(str(new CanalJsonEncoder(EncoderConfig.defaults().withTidbExtension(true), CLOCK).encodeRow(big).value()));

    var none = new CanalJsonEncoder(small, CLOCK);
    assertThatThrownBy(() -> none.encodeRow(big)).hasMessageStartingWith("[CDC:ErrMessageTooLarge]");
  }
}
