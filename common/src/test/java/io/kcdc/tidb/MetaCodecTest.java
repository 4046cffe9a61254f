package io.kcdc.tidb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MetaCodecTest {

  @Test
  void dbsHashFieldMatchesSpec() {
    assertThat(Hex.of(MetaCodec.hashFieldKey(MetaCodec.DBS, MetaCodec.dbKey(1)))).isEqualTo(
        "6d 44 42 73 00 00 00 00 00 fa 00 00 00 00 00 00 00 68 44 42 3a 31 00 00 00 00 fb");
  }

  @Test
  void tableFieldOfDbMatchesSpec() {
    assertThat(Hex.of(MetaCodec.hashFieldKey(MetaCodec.dbKey(1), MetaCodec.tableField(100))))
        .isEqualTo("6d 44 42 3a 31 00 00 00 00 fb 00 00 00 00 00 00 00 68 54 61 62 6c 65 3a 31"
            + " 30 ff 30 00 00 00 00 00 00 00 f8");
  }

  @Test
  void schemaVersionStringKeyMatchesSpec() {
    assertThat(Hex.of(MetaCodec.stringKey(MetaCodec.SCHEMA_VERSION_KEY))).isEqualTo(
        "6d 53 63 68 65 6d 61 56 65 ff 72 73 69 6f 6e 4b 65 79 ff 00 00 00 00 00 00 00 00 f7"
            + " 00 00 00 00 00 00 00 73");
  }

  @Test
  void hashFieldIsInverseAndPrefixCoversFields() {
    byte[] key = MetaCodec.hashFieldKey("DB:7", "Table:12345");
    assertThat(MetaCodec.hashField(key)).isEqualTo("Table:12345");
    byte[] prefix = MetaCodec.hashPrefix("DB:7");
    byte[] end = MetaCodec.prefixEnd(prefix);
    assertThat(Arrays.compareUnsigned(key, prefix)).isPositive();
    assertThat(Arrays.compareUnsigned(key, end)).isNegative();
    assertThat(Arrays.compareUnsigned(MetaCodec.hashFieldKey("DB:70", "Table:1"), end)).isNotNegative();
    assertThat(MetaCodec.dbKey(1)).isEqualTo("DB:1");
    assertThat(MetaCodec.tableField(100)).isEqualTo("Table:100");
    assertThat(MetaCodec.idOf("Table:100")).isEqualTo(100);
  }

  @Test
  void jobHistoryFieldIsBigEndianId() {
    byte[] key = MetaCodec.hashFieldKey(MetaCodec.DDL_JOB_HISTORY, MetaCodec.jobIdField(258));
    assertThat(MetaCodec.hashFieldBytes(key)).isEqualTo(Hex.bytes("0000000000000102"));
  }
}
