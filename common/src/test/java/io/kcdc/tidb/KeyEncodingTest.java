package io.kcdc.tidb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyEncodingTest {

  @Test
  void memcomparableIntsAndBytesMatchSpec() {
    assertThat(Hex.of(Codec.encodeInt(-1))).isEqualTo("7f ff ff ff ff ff ff ff");
    assertThat(Hex.of(Codec.encodeInt(1))).isEqualTo("80 00 00 00 00 00 00 01");
    assertThat(Hex.of(Codec.encodeBytes(new byte[0]))).isEqualTo("00 00 00 00 00 00 00 00 f7");
    assertThat(Hex.of(Codec.encodeBytes(Hex.bytes("010203"))))
        .isEqualTo("01 02 03 00 00 00 00 00 fa");
    assertThat(Hex.of(Codec.encodeBytes(Hex.bytes("0102030405060708"))))
        .isEqualTo("01 02 03 04 05 06 07 08 ff 00 00 00 00 00 00 00 00 f7");
  }

  @Test
  void decodeBytesRejectsBadPadding() {
    assertThatThrownBy(() -> Codec.decodeBytes(Hex.bytes("0102030000000001fa"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recordKeyOfTable100Handle1() {
    byte[] raw = TableCodec.recordKey(100, 1);
    assertThat(Hex.of(raw)).isEqualTo("74 80 00 00 00 00 00 00 64 5f 72 80 00 00 00 00 00 00 01");
    assertThat(Hex.of(Codec.encodeBytes(raw))).isEqualTo(
        "74 80 00 00 00 00 00 00 ff 64 5f 72 80 00 00 00 00 ff 00 00 01 00 00 00 00 00 fa");
    TableCodec.RecordKey k = TableCodec.decodeRecordKey(raw);
    assertThat(k.tableId()).isEqualTo(100);
    assertThat(k.intHandle()).isEqualTo(1);
    assertThat(k.isIntHandle()).isTrue();
  }

  @Test
  void tableSpanOf100() {
    KeySpan span = TableCodec.tableSpan(100);
    assertThat(Hex.of(span.start()))
        .isEqualTo("74 80 00 00 00 00 00 00 ff 64 5f 72 00 00 00 00 00 fa");
    assertThat(Hex.of(span.end()))
        .isEqualTo("74 80 00 00 00 00 00 00 ff 64 5f 73 00 00 00 00 00 fa");
    assertThat(span.contains(Codec.encodeBytes(TableCodec.recordKey(100, Long.MIN_VALUE)))).isTrue();
    assertThat(span.contains(Codec.encodeBytes(TableCodec.recordKey(101, 0)))).isFalse();
  }

  @Test
  void ddlJobTablePrefix() {
    assertThat(TableCodec.DDL_JOB_TABLE_ID).isEqualTo(281474976710654L);
    assertThat(Hex.of(TableCodec.recordPrefix(TableCodec.DDL_JOB_TABLE_ID)))
        .isEqualTo("74 80 00 ff ff ff ff ff fe 5f 72");
  }

  @Test
  void commonHandleKeyDecodes() {
    byte[] handle = Hex.bytes("01616100000000000000f9");
    byte[] raw = TableCodec.recordKey(100, handle);
    TableCodec.RecordKey k = TableCodec.decodeRecordKey(raw);
    assertThat(k.isIntHandle()).isFalse();
    assertThat(k.commonHandle()).isEqualTo(handle);
  }
}
