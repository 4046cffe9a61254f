package io.kcdc.tidb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScalarCodecTest {

  @Test
  void decimalBinaryMatchesSpec() {
    assertThat(Hex.of(MyDecimal.toBin(new BigDecimal("123.45"), 5, 2))).isEqualTo("80 7b 2d");
    assertThat(Hex.of(MyDecimal.toBin(new BigDecimal("-123.45"), 5, 2))).isEqualTo("7f 84 d2");
    assertThat(MyDecimal.fromBin(Hex.bytes("807b2d"), 0, 5, 2).value())
        .isEqualTo(new BigDecimal("123.45"));
    assertThat(MyDecimal.fromBin(Hex.bytes("7f84d2"), 0, 5, 2).value())
        .isEqualTo(new BigDecimal("-123.45"));
  }

  @Test
  void decimalWithFullWords() {
    BigDecimal v = new BigDecimal("1234567890.123456789012");
    byte[] bin = MyDecimal.toBin(v, 22, 12);
    assertThat(bin).hasSize(MyDecimal.binSize(22, 12)).hasSize(1 + 4 + 4 + 2);
    assertThat(MyDecimal.fromBin(bin, 0, 22, 12).value()).isEqualTo(v);
    assertThat(MyDecimal.fromBin(bin, 0, 22, 12).next()).isEqualTo(11);
  }

  @Test
  void decimalOverflowIsRejected() {
    assertThatThrownBy(() -> MyDecimal.toBin(new BigDecimal("1000"), 5, 2))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void decimalFormatHasExactFractionDigits() {
    assertThat(MyDecimal.format(new BigDecimal("1.5"), 2)).isEqualTo("1.50");
    assertThat(MyDecimal.format(new BigDecimal("2333"), 0)).isEqualTo("2333");
    assertThat(MyDecimal.format(new BigDecimal("-0.125"), 2)).isEqualTo("-0.13");
  }

  @Test
  void packedTimeMatchesSpec() {
    long packed = PackedTime.parse("2020-02-20 02:20:20");
    assertThat(packed).isEqualTo(0x19A5A82514000000L).isEqualTo(1848068099308257280L);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RowEncoder.writeCompactUint(out, packed);
    assertThat(Hex.of(out.toByteArray())).isEqualTo("00 00 00 14 25 a8 a5 19");
    assertThat(PackedTime.format(packed, MysqlType.TYPE_DATETIME, 0)).isEqualTo("2020-02-20 02:20:20");
    assertThat(PackedTime.format(packed, MysqlType.TYPE_DATE, 0)).isEqualTo("2020-02-20");
  }

  @Test
  void packedTimeFractionAndZero() {
    long packed = PackedTime.parse("2021-12-31 23:59:58.123456");
    assertThat(PackedTime.format(packed, MysqlType.TYPE_DATETIME, 3)).isEqualTo("2021-12-31 23:59:58.123");
    assertThat(PackedTime.format(packed, MysqlType.TYPE_DATETIME, 6))
        .isEqualTo("2021-12-31 23:59:58.123456");
    assertThat(PackedTime.format(0, MysqlType.TYPE_DATETIME, 0)).isEqualTo("0000-00-00 00:00:00");
    assertThat(PackedTime.format(0, MysqlType.TYPE_DATE, 0)).isEqualTo("0000-00-00");
    assertThat(PackedTime.parse("0000-00-00 00:00:00")).isZero();
  }

  @Test
  void timestampZoneConversion() {
    long utc = PackedTime.parse("2020-02-20 02:20:20");
    long shanghai = PackedTime.utcTo(utc, ZoneId.of("Asia/Shanghai"));
    assertThat(PackedTime.format(shanghai, MysqlType.TYPE_TIMESTAMP, 0)).isEqualTo("2020-02-20 10:20:20");
    assertThat(PackedTime.convertZone(shanghai, ZoneId.of("Asia/Shanghai"), ZoneOffset.UTC)).isEqualTo(utc);
    assertThat(PackedTime.utcTo(0, ZoneId.of("Asia/Shanghai"))).isZero();
  }

  @Test
  void durationTextRoundTrip() {
    assertThat(DurationCodec.parseNanos("02:20:20")).isEqualTo(8420_000_000_000L);
    assertThat(DurationCodec.format(8420_000_000_000L, 0)).isEqualTo("02:20:20");
    long neg = DurationCodec.parseNanos("-838:59:59.5");
    assertThat(DurationCodec.format(neg, 1)).isEqualTo("-838:59:59.5");
    assertThat(DurationCodec.format(neg, 3)).isEqualTo("-838:59:59.500");
    assertThat(DurationCodec.parseNanos("1 01:00:00")).isEqualTo(DurationCodec.parseNanos("25:00:00"));
  }

  @Test
  void floatTextLikeGo() {
    assertThat(MountedValue.formatFloat32(3.14f)).isEqualTo("3.14");
    assertThat(MountedValue.formatFloat64(2.71)).isEqualTo("2.71");
    assertThat(MountedValue.formatFloat32(1e20f)).isEqualTo("100000000000000000000");
    assertThat(MountedValue.formatFloat64(1e-7)).isEqualTo("0.0000001");
    assertThat(MountedValue.formatFloat64(2.82879384806159E17)).isEqualTo("282879384806159000");
    assertThat(MountedValue.formatFloat32(0.1f)).isEqualTo("0.1");
    assertThat(MountedValue.formatFloat64(0.1f)).isEqualTo("0.10000000149011612");
  }

  @Test
  void baseNamesFollowCharset() {
    assertThat(MysqlType.baseName(MysqlType.TYPE_VARCHAR, false)).isEqualTo("varchar");
    assertThat(MysqlType.baseName(MysqlType.TYPE_VARCHAR, true)).isEqualTo("varbinary");
    assertThat(MysqlType.baseName(MysqlType.TYPE_STRING, true)).isEqualTo("binary");
    assertThat(MysqlType.baseName(MysqlType.TYPE_BLOB, false)).isEqualTo("text");
    assertThat(MysqlType.baseName(MysqlType.TYPE_MEDIUM_BLOB, true)).isEqualTo("mediumblob");
    assertThat(MysqlType.baseName(MysqlType.TYPE_LONG, false)).isEqualTo("int");
    assertThat(MysqlType.baseName(MysqlType.TYPE_INT24, false)).isEqualTo("mediumint");
    assertThat(MysqlType.baseName(MysqlType.TYPE_NEWDECIMAL, false)).isEqualTo("decimal");
  }
}
