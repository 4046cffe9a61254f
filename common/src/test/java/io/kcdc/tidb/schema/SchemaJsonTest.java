package io.kcdc.tidb.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.tidb.MysqlType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaJsonTest {
  /** {@code create table t (id bigint primary key, name varchar(64), unique key idx_name(name))}. */
  private static final String TABLE = """
      {"id":112,"name":{"O":"T","L":"t"},"charset":"utf8mb4","collate":"utf8mb4_bin","cols":[\
      {"id":1,"name":{"O":"id","L":"id"},"offset":0,"origin_default":null,"origin_default_bit":null,\
      "default":null,"default_bit":null,"default_is_expr":false,"generated_expr_string":"",\
      "generated_stored":false,"dependences":null,"type":{"Tp":8,"Flag":4099,"Flen":20,"Decimal":0,\
      "Charset":"binary","Collate":"binary","Elems":null,"ElemsIsBinaryLit":null,"Array":false},\
      "state":5,"comment":"","hidden":false,"change_state_info":null,"version":2},\
      {"id":2,"name":{"O":"Name","L":"name"},"offset":1,"origin_default":"x","origin_default_bit":null,\
      "default":"x","default_bit":"QQ==","default_is_expr":false,"generated_expr_string":"",\
      "generated_stored":false,"dependences":null,"type":{"Tp":15,"Flag":0,"Flen":64,"Decimal":-1,\
      "Charset":"utf8mb4","Collate":"utf8mb4_bin","Elems":null,"ElemsIsBinaryLit":null,"Array":false},\
      "state":5,"comment":"","hidden":false,"change_state_info":null,"version":2}],\
      "index_info":[{"id":1,"idx_name":{"O":"idx_name","L":"idx_name"},"tbl_name":{"O":"t","L":"t"},\
      "idx_cols":[{"name":{"O":"Name","L":"name"},"offset":1,"length":-1}],"state":5,\
      "backfill_state":0,"comment":"","index_type":1,"is_unique":true,"is_primary":false,\
      "is_invisible":false,"is_global":false,"mv_index":false}],"constraint_info":null,"fk_info":null,\
      "state":5,"pk_is_handle":true,"is_common_handle":false,"common_handle_version":0,"comment":"hi",\
      "auto_inc_id":0,"auto_id_cache":0,"auto_rand_id":0,"max_col_id":2,"max_idx_id":1,"max_fk_id":0,\
      "max_cst_id":0,"update_timestamp":445566778899,"ShardRowIDBits":0,"max_shard_row_id_bits":0,\
      "auto_random_bits":0,"auto_random_range_bits":0,"pre_split_regions":0,"partition":null,\
      "compression":"","view":null,"sequence":null,"Lock":null,"version":5,"tiflash_replica":null,\
      "is_columnar":false,"temp_table_type":0,"cache_table_status":0,"policy_ref_info":null,\
      "stats_options":null,"exchange_partition_info":null,"ttl_info":null,"revision":0}""";

  @Test
  void tableInfoReadsTiDbJsonAndWritesItBack() throws Exception {
    TableInfo t = SchemaJson.read(TABLE.getBytes(StandardCharsets.UTF_8), TableInfo.class);
    assertThat(t.id()).isEqualTo(112);
    assertThat(t.name()).isEqualTo(new CIStr("T", "t"));
    assertThat(t.pkIsHandle()).isTrue();
    assertThat(t.columns()).hasSize(2);
    ColumnInfo name = t.columns().get(1);
    assertThat(name.type().tp()).isEqualTo(MysqlType.TYPE_VARCHAR);
    assertThat(name.type().decimal()).isEqualTo(-1);
    assertThat(name.originDefault()).isEqualTo("x");
    assertThat(name.defaultBit()).containsExactly('A');
    assertThat(t.indices().get(0).columns().get(0).offset()).isEqualTo(1);
    assertThat(t.pkHandleColumn()).map(ColumnInfo::id).contains(1L);
    assertThat(t.updateTimestamp()).isEqualTo(445566778899L);

    JsonNode original = SchemaJson.mapper().readTree(TABLE);
    JsonNode written = SchemaJson.mapper().readTree(SchemaJson.toBytes(t));
    assertThat(written).isEqualTo(original);
    assertThat(fieldNames(written)).isEqualTo(fieldNames(original));
  }

  @Test
  void unknownFieldsAreIgnored() {
    String db = "{\"id\":3,\"db_name\":{\"O\":\"Campaign\",\"L\":\"campaign\"},\"charset\":\"utf8mb4\","
        + "\"collate\":\"utf8mb4_bin\",\"Deprecated\":{},\"state\":5,\"policy_ref_info\":null}";
    DBInfo d = SchemaJson.read(db.getBytes(StandardCharsets.UTF_8), DBInfo.class);
    assertThat(d).isEqualTo(new DBInfo(3, new CIStr("Campaign", "campaign"), "utf8mb4", "utf8mb4_bin", 5));
  }

  @Test
  void ddlJobBinlogUsesGoFieldNames() throws Exception {
    TableInfo t = TableInfo.builder(112, "t").build();
    DdlJob job = DdlJob.done(5, ActionType.CREATE_TABLE, 2, 112, "test", "t", "create table t (a int)",
        new HistoryInfo(7, null, t, 0, null)).withStartTs(100);
    JsonNode json = SchemaJson.mapper().readTree(SchemaJson.toBytes(job));
    assertThat(json.get("type").asInt()).isEqualTo(3);
    assertThat(json.get("state").asInt()).isEqualTo(JobState.DONE);
    assertThat(json.get("start_ts").asLong()).isEqualTo(100);
    assertThat(json.get("binlog").get("SchemaVersion").asLong()).isEqualTo(7);
    assertThat(json.get("binlog").get("TableInfo").get("name").get("O").asText()).isEqualTo("t");
    assertThat(json.get("binlog").has("FinishedTS")).isTrue();
    DdlJob back = SchemaJson.read(SchemaJson.toBytes(job), DdlJob.class);
    assertThat(back.binlog().tableInfo()).isEqualTo(t);
    assertThat(back.query()).isEqualTo("create table t (a int)");
    assertThat(ActionType.name(back.type())).isEqualTo("CreateTable");
  }

  @Test
  void partitionedTableHasOnePhysicalIdPerPartition() {
    PartitionInfo p = new PartitionInfo(PartitionInfo.TYPE_RANGE, "`id`", null, true, false,
        List.of(new PartitionDefinition(201, CIStr.of("p0"), List.of("10"), null, ""),
            new PartitionDefinition(202, CIStr.of("p1"), List.of("MAXVALUE"), null, "")),
        null, null, null, 2);
    TableInfo t = TableInfo.builder(200, "pt").partition(p).build();
    assertThat(t.physicalTableIds()).containsExactly(201L, 202L);
    assertThat(TableInfo.builder(9, "x").build().physicalTableIds()).containsExactly(9L);
    TableInfo back = SchemaJson.read(SchemaJson.toBytes(t), TableInfo.class);
    assertThat(back.physicalTableIds()).containsExactly(201L, 202L);
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
