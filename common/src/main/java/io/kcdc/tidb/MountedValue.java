package io.kcdc.tidb;

import io.kcdc.tidb.schema.FieldType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The one Java value model of a column value after mounting (TiCDC's {@code formatColVal}),
 * used by the mounter, the internal topic and every encoder:
 *
 * <ul>
 *   <li>{@code null}: SQL NULL;
 *   <li>{@link Long}: signed integers, YEAR, and the uint64 bit pattern of unsigned integers,
 *       ENUM (1-based element index, 0 = empty), SET (bit i = element i) and BIT;
 *   <li>{@link Float}: FLOAT; {@link Double}: DOUBLE;
 *   <li>{@link String}: DECIMAL (exactly the column's fraction digits), DATE
 *       ({@code YYYY-MM-DD}), DATETIME/TIMESTAMP ({@code YYYY-MM-DD HH:MM:SS[.f]} with exactly fsp
 *       digits, TIMESTAMP in the changefeed time zone), TIME ({@code [-]HH:MM:SS[.f]}), JSON
 *       (TiDB's text form) and VECTOR ({@code [1,2,3]});
 *   <li>{@code byte[]}: CHAR, VARCHAR, TEXT, BINARY, VARBINARY, BLOB.
 * </ul>
 */
public final class MountedValue {
  private MountedValue() {}

  /**
   * canal-json's {@code formatValue}: the value as text, or null for NULL. Unsigned and
   * ENUM/SET/BIT longs print as unsigned decimals, floats as Go's shortest {@code 'f'} format at
   * their own precision, bytes as UTF-8 text, or ISO-8859-1 when the column is binary.
   */
  public static String toText(Object v, FieldType ft) {
    return toText(v, ft.binaryCharset(), ft.unsigned() || MysqlType.isAlwaysUnsigned(ft.tp()));
  }

  public static String toText(Object v, boolean binary, boolean unsigned) {
    if (v == null) {
      return null;
    }
    if (v instanceof Long l) {
      return unsigned ? Long.toUnsignedString(l) : Long.toString(l);
    }
    if (v instanceof Float f) {
      return formatFloat32(f);
    }
    if (v instanceof Double d) {
      return formatFloat64(d);
    }
    if (v instanceof byte[] b) {
      return new String(b, binary ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
    return v.toString();
  }

  /** Go {@code strconv.FormatFloat(v, 'f', -1, 32)}: shortest digits that round-trip a float32. */
  public static String formatFloat32(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f)) {
      return f > 0 ? "+Inf" : (f < 0 ? "-Inf" : "NaN");
    }
    if (f == 0) {
      return (Float.floatToRawIntBits(f) < 0) ? "-0" : "0";
    }
    BigDecimal exact = new BigDecimal(f);
    for (int p = 1; p <= 9; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.floatValue() == f) {
        return r.stripTrailingZeros().toPlainString();
      }
    }
    return exact.toPlainString();
  }

  /** Go {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits that round-trip a float64. */
  public static String formatFloat64(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : (d < 0 ? "-Inf" : "NaN");
    }
    if (d == 0) {
      return (Double.doubleToRawLongBits(d) < 0) ? "-0" : "0";
    }
    return shortest(d).toPlainString();
  }

  /** The shortest decimal that parses back to {@code d} (closest one on ties of length). */
  static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        return r.stripTrailingZeros();
      }
    }
    return exact;
  }
}
