package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import org.junit.jupiter.api.Test;

class CreateTableTranslatorTest {

  private static TableInfo translate(String sql) throws Exception {
    return CreateTableTranslator.translate((CreateTable) CCJSqlParserUtil.parse(sql), 104, false, 4242);
  }

  @Test
  void intPrimaryKeyIsTheHandle() throws Exception {
    TableInfo t = translate("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20) DEFAULT 'x', "
        + "d DECIMAL(10,2) NOT NULL, ts DATETIME(3), u BIGINT UNSIGNED, KEY k_d (d))");
    assertThat(t.id()).isEqualTo(104);
    assertThat(t.pkIsHandle()).isTrue();
    assertThat(t.commonHandle()).isFalse();
    assertThat(t.maxColumnId()).isEqualTo(5);
    assertThat(t.updateTimestamp()).isEqualTo(4242);
    assertThat(t.version()).isEqualTo(5);
    assertThat(t.indices()).extracting(ix -> ix.name().o()).containsExactly("k_d");

    ColumnInfo id = t.columns().get(0);
    assertThat(id.type().tp()).isEqualTo(MysqlType.TYPE_LONG);
    assertThat(id.type().flag()).isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE);
    assertThat(id.type().flen()).isEqualTo(11);
    assertThat(id.type().charset()).isEqualTo("binary");

    ColumnInfo a = t.columns().get(1);
    assertThat(a.offset()).isEqualTo(1);
    assertThat(a.type().tp()).isEqualTo(MysqlType.TYPE_VARCHAR);
    assertThat(a.type().flen()).isEqualTo(20);
    assertThat(a.type().charset()).isEqualTo("utf8mb4");
    assertThat(a.type().collate()).isEqualTo("utf8mb4_bin");
    assertThat(a.defaultValue()).isEqualTo("x");

    ColumnInfo d = t.columns().get(2);
    assertThat(d.type().tp()).isEqualTo(MysqlType.TYPE_NEWDECIMAL);
    assertThat(d.type().flen()).isEqualTo(10);
    assertThat(d.type().decimal()).isEqualTo(2);
    assertThat(d.type().flag()).isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.NO_DEFAULT_VALUE | MysqlFlag.MULTIPLE_KEY);

    ColumnInfo ts = t.columns().get(3);
    assertThat(ts.type().tp()).isEqualTo(MysqlType.TYPE_DATETIME);
    assertThat(ts.type().decimal()).isEqualTo(3);
    assertThat(ts.type().flen()).isEqualTo(23);

    assertThat(t.columns().get(4).type().flag()).isEqualTo(MysqlFlag.UNSIGNED);
  }

  @Test
  void nonIntPrimaryKeyIsAClusteredCommonHandle() throws Exception {
    TableInfo t = translate("CREATE TABLE c (a VARCHAR(10), b INT, v TEXT, PRIMARY KEY (a, b), UNIQUE KEY (v))");
    assertThat(t.pkIsHandle()).isFalse();
    assertThat(t.commonHandle()).isTrue();
    assertThat(t.commonHandleVersion()).isEqualTo(1);
    assertThat(t.indices()).hasSize(2);
    assertThat(t.indices().get(0).primary()).isTrue();
    assertThat(t.indices().get(0).unique()).isTrue();
    assertThat(t.indices().get(0).columns()).extracting(ic -> ic.offset()).containsExactly(0, 1);
    assertThat(t.indices().get(1).name().o()).isEqualTo("v");
    assertThat(t.indices().get(1).unique()).isTrue();
    assertThat(t.columns().get(0).type().flag()).isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY);
    assertThat(t.columns().get(2).type().tp()).isEqualTo(MysqlType.TYPE_BLOB);
    assertThat(t.columns().get(2).type().flag()).isEqualTo(MysqlFlag.UNIQUE_KEY);
    assertThat(t.commonHandleColumns()).extracting(c -> c.name().o()).containsExactly("a", "b");
  }

  @Test
  void noPrimaryKeyUsesTidbRowid() throws Exception {
    TableInfo t = translate("CREATE TABLE n (a INT, b VARBINARY(8))");
    assertThat(t.pkIsHandle()).isFalse();
    assertThat(t.commonHandle()).isFalse();
    assertThat(t.indices()).isEmpty();
    assertThat(t.columns().get(1).type().charset()).isEqualTo("binary");
    assertThat(t.columns().get(1).type().flag()).isEqualTo(MysqlFlag.BINARY);
  }

  @Test
  void jsonUsesTidbFieldNames() throws Exception {
    TableInfo t = translate("CREATE TABLE t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name CHAR(4))");
    JsonNode json = SchemaJson.mapper().readTree(SchemaJson.toBytes(t));
    assertThat(json.get("id").asLong()).isEqualTo(104);
    assertThat(json.get("name").get("O").asText()).isEqualTo("t");
    assertThat(json.get("name").get("L").asText()).isEqualTo("t");
    assertThat(json.get("pk_is_handle").asBoolean()).isTrue();
    assertThat(json.get("is_common_handle").asBoolean()).isFalse();
    assertThat(json.get("max_col_id").asLong()).isEqualTo(2);
    assertThat(json.get("state").asInt()).isEqualTo(5);
    assertThat(json.get("version").asInt()).isEqualTo(5);
    JsonNode id = json.get("cols").get(0);
    assertThat(id.get("offset").asInt()).isZero();
    assertThat(id.get("state").asInt()).isEqualTo(5);
    assertThat(id.get("type").get("Tp").asInt()).isEqualTo(8);
    assertThat(id.get("type").get("Flag").asInt())
        .isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.UNSIGNED | MysqlFlag.AUTO_INCREMENT);
    assertThat(id.get("type").get("Flen").asInt()).isEqualTo(20);
    JsonNode name = json.get("cols").get(1);
    assertThat(name.get("type").get("Tp").asInt()).isEqualTo(0xfe);
    assertThat(name.get("type").get("Charset").asText()).isEqualTo("utf8mb4");
    assertThat(name.get("type").get("Collate").asText()).isEqualTo("utf8mb4_bin");
    assertThat(SchemaJson.read(SchemaJson.toBytes(t), TableInfo.class)).isEqualTo(t);
  }
}
