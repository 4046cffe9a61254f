package io.kcdc.tidb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.TableInfo;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class CodecPropertiesTest {

  @Property
  void memcomparableIntKeepsOrder(@ForAll long a, @ForAll long b) {
    assertThat(Codec.decodeInt(Codec.encodeInt(a), 0)).isEqualTo(a);
    assertThat(Integer.signum(Arrays.compareUnsigned(Codec.encodeInt(a), Codec.encodeInt(b))))
        .isEqualTo(Integer.signum(Long.compare(a, b)));
  }

  @Property
  void memcomparableFloatKeepsOrder(@ForAll double a, @ForAll double b) {
    // -0.0 encodes like +0.0, as in TiDB
    assertThat(Codec.decodeFloat(Codec.encodeFloat(a), 0)).isEqualTo(a == 0 ? 0.0 : a);
    if (!Double.isNaN(a) && !Double.isNaN(b) && a != b) {
      assertThat(Integer.signum(Arrays.compareUnsigned(Codec.encodeFloat(a), Codec.encodeFloat(b))))
          .isEqualTo(Integer.signum(Double.compare(a, b)));
    }
  }

  @Property
  void memcomparableBytesKeepOrder(@ForAll byte[] a, @ForAll byte[] b) {
    byte[] ea = Codec.encodeBytes(a);
    Codec.Decoded<byte[]> d = Codec.decodeBytes(ea, 0);
    assertThat(d.value()).isEqualTo(a);
    assertThat(d.next()).isEqualTo(ea.length);
    assertThat(Integer.signum(Arrays.compareUnsigned(ea, Codec.encodeBytes(b))))
        .isEqualTo(Integer.signum(Arrays.compareUnsigned(a, b)));
  }

  @Provide
  Arbitrary<BigDecimal[]> decimals() {
    return Combinators.combine(Arbitraries.integers().between(1, 65), Arbitraries.integers().between(0, 30),
            Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(40).negate(), java.math.BigInteger.TEN.pow(40)),
            Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(40).negate(), java.math.BigInteger.TEN.pow(40)))
        .as((p, f, x, y) -> {
          int prec = Math.max(p, f);
          int frac = Math.min(f, prec);
          BigDecimal limit = BigDecimal.TEN.pow(prec - frac);
          BigDecimal a = new BigDecimal(x, frac).remainder(limit);
          BigDecimal b = new BigDecimal(y, frac).remainder(limit);
          return new BigDecimal[] {a, b, BigDecimal.valueOf(prec), BigDecimal.valueOf(frac)};
        });
  }

  @Property
  void decimalBinaryRoundTripsAndSorts(@ForAll("decimals") BigDecimal[] v) {
    int prec = v[2].intValue();
    int frac = v[3].intValue();
    byte[] a = MyDecimal.toBin(v[0], prec, frac);
    byte[] b = MyDecimal.toBin(v[1], prec, frac);
    assertThat(a).hasSize(MyDecimal.binSize(prec, frac));
    assertThat(MyDecimal.fromBin(a, 0, prec, frac).value()).isEqualByComparingTo(v[0]);
    assertThat(MyDecimal.format(MyDecimal.fromBin(a, 0, prec, frac).value(), frac))
        .isEqualTo(MyDecimal.format(v[0], frac));
    assertThat(Integer.signum(Arrays.compareUnsigned(a, b))).isEqualTo(v[0].compareTo(v[1]));
  }

  @Property
  void packedTimeRoundTrips(@ForAll @IntRange(max = 9999) int year, @ForAll @IntRange(max = 12) int month,
      @ForAll @IntRange(max = 31) int day, @ForAll @IntRange(max = 23) int hour,
      @ForAll @IntRange(max = 59) int minute, @ForAll @IntRange(max = 59) int second,
      @ForAll @IntRange(max = 999_999) int micro) {
    long packed = PackedTime.pack(year, month, day, hour, minute, second, micro);
    assertThat(PackedTime.unpack(packed))
        .isEqualTo(new PackedTime.Parts(year, month, day, hour, minute, second, micro));
    String text = PackedTime.format(packed, MysqlType.TYPE_DATETIME, 6);
    assertThat(PackedTime.parse(text)).isEqualTo(packed);
  }

  @Property
  void durationRoundTrips(@ForAll @IntRange(min = -3_020_399, max = 3_020_399) int seconds,
      @ForAll @IntRange(max = 999_999) int micros) {
    long nanos = (seconds * 1_000_000_000L) + (seconds < 0 ? -micros : micros) * 1000L;
    assertThat(DurationCodec.parseNanos(DurationCodec.format(nanos, 6))).isEqualTo(nanos);
  }

  @Property
  void floatTextParsesBack(@ForAll float f, @ForAll double d) {
    if (Float.isFinite(f)) {
      assertThat(Float.parseFloat(MountedValue.formatFloat32(f))).isEqualTo(f);
      assertThat(MountedValue.formatFloat32(f)).doesNotContain("E");
    }
    if (Double.isFinite(d)) {
      assertThat(Double.parseDouble(MountedValue.formatFloat64(d))).isEqualTo(d);
    }
  }

  @Property
  void rowsRoundTripInBothFormats(@ForAll long id, @ForAll @StringLength(max = 300) String c2,
      @ForAll Integer c3, @ForAll boolean v1) {
    TableInfo t = Tables.intPk();
    Map<Long, Object> values = new HashMap<>();
    values.put(2L, c2);
    values.put(3L, c3 == null ? null : c3.longValue());
    byte[] value = v1 ? RowEncoder.encodeV1(t, values) : RowEncoder.encodeV2(t, values);
    Object[] cols = RowDecoder.decode(t, TableCodec.recordKey(100, id), value);
    assertThat(cols[0]).isEqualTo(id);
    assertThat(new String((byte[]) cols[1], java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(c2);
    assertThat(cols[2]).isEqualTo(c3 == null ? null : c3.longValue());
  }

  @Property
  void commonHandleIntsSortLikeValues(@ForAll long a, @ForAll long b, @ForAll @StringLength(max = 20) String s) {
    FieldType bigint = FieldType.of(MysqlType.TYPE_LONGLONG);
    FieldType varchar = FieldType.of(MysqlType.TYPE_VARCHAR).withCharset("utf8mb4", "binary");
    byte[] ha = CommonHandle.encode(List.of(bigint, varchar), List.of(a, s));
    byte[] hb = CommonHandle.encode(List.of(bigint, varchar), List.of(b, s));
    assertThat(Integer.signum(Arrays.compareUnsigned(ha, hb))).isEqualTo(Integer.signum(Long.compare(a, b)));
    List<Object> back = CommonHandle.decode(ha, List.of(bigint, varchar));
    assertThat(back.get(0)).isEqualTo(a);
    assertThat((byte[]) back.get(1)).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> json() {
    Arbitrary<String> scalar = Arbitraries.oneOf(
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.bigDecimals().between(new BigDecimal("-1e12"), new BigDecimal("1e12")).ofScale(3).map(BigDecimal::toPlainString),
        Arbitraries.strings().alpha().numeric().ofMaxLength(8).map(s -> "\"" + s + "\""),
        Arbitraries.of("true", "false", "null"));
    return Arbitraries.recursive(() -> scalar, inner -> Arbitraries.oneOf(
        inner.list().ofMaxSize(4).map(l -> "[" + String.join(", ", l) + "]"),
        Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(5), inner).ofMaxSize(4)
            .map(m -> {
              StringBuilder sb = new StringBuilder("{");
              new java.util.TreeMap<>(m).forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "")
                  .append('"').append(k).append("\": ").append(v));
              return sb.append('}').toString();
            })), 3);
  }

  @Property
  void binaryJsonTextIsStable(@ForAll("json") String text) {
    String once = BinaryJson.toText(BinaryJson.fromText(text));
    assertThat(BinaryJson.toText(BinaryJson.fromText(once))).isEqualTo(once);
    assertThat(BinaryJson.fromText(once)).isEqualTo(BinaryJson.fromText(text));
  }
}
