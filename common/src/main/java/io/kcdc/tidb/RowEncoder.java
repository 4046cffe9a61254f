package io.kcdc.tidb;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.TableInfo;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes row values the way TiDB does: row format v2 ({@code rowcodec}, what TiDB writes today)
 * and the legacy v1 datum pairs. Values are keyed by column id; a key present with a null value is
 * NULL, an absent key is not written. The int-handle PK column (pk_is_handle) lives in the key and
 * is never written; common-handle PK columns are; virtual generated columns are not.
 *
 * <p>Accepted Java values: the {@link MountedValue} model, plus {@link Number} for numeric types,
 * {@link String} for strings (UTF-8), DECIMAL ({@link BigDecimal} too), DATE/DATETIME/TIMESTAMP
 * text or packed {@link Long} (TIMESTAMP in UTC), TIME text or nanoseconds, ENUM/SET element names,
 * JSON text (or type code + binary bytes), VECTOR text or {@code float[]}.
 */
public final class RowEncoder {
  /** First byte of a v2 row. */
  public static final int CODEC_VER = 0x80;
  static final int FLAG_LARGE = 0x01;

  private RowEncoder() {}

  public static byte[] encodeV2(TableInfo t, Map<Long, Object> valuesByColumnId) {
    List<ColumnInfo> notNull = new ArrayList<>();
    List<ColumnInfo> nulls = new ArrayList<>();
    for (ColumnInfo c : written(t, valuesByColumnId)) {
      (valuesByColumnId.get(c.id()) == null ? nulls : notNull).add(c);
    }
    notNull.sort(Comparator.comparingLong(ColumnInfo::id));
    nulls.sort(Comparator.comparingLong(ColumnInfo::id));

    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] ends = new int[notNull.size()];
    for (int i = 0; i < notNull.size(); i++) {
      ColumnInfo c = notNull.get(i);
      data.writeBytes(encodeV2Value(c.type(), valuesByColumnId.get(c.id())));
      ends[i] = data.size();
    }
    boolean large = data.size() > 0xFFFF
        || notNull.stream().anyMatch(c -> c.id() > 255)
        || nulls.stream().anyMatch(c -> c.id() > 255);
    int idSize = large ? 4 : 1;
    int offSize = large ? 4 : 2;

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(CODEC_VER);
    out.write(large ? FLAG_LARGE : 0);
    writeLe(out, notNull.size(), 2);
    writeLe(out, nulls.size(), 2);
    for (ColumnInfo c : notNull) {
      writeLe(out, c.id(), idSize);
    }
    for (ColumnInfo c : nulls) {
      writeLe(out, c.id(), idSize);
    }
    for (int end : ends) {
      writeLe(out, end, offSize);
    }
    out.writeBytes(data.toByteArray());
    return out.toByteArray();
  }

  /** Legacy format: {@code colId, value} datum pairs in table column order; no columns = {@code 00}. */
  public static byte[] encodeV1(TableInfo t, Map<Long, Object> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ColumnInfo> cols = written(t, values);
    if (cols.isEmpty()) {
      out.write(CommonHandle.NIL_FLAG);
      return out.toByteArray();
    }
    for (ColumnInfo c : cols) {
      out.write(CommonHandle.VARINT_FLAG);
      Codec.writeVarint(out, c.id());
      encodeV1Value(out, c.type(), values.get(c.id()));
    }
    return out.toByteArray();
  }

  /** Bytes of one column value in a v2 row. */
  static byte[] encodeV2Value(FieldType ft, Object v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (Datums.kindOf(ft)) {
      case SIGNED -> writeCompactInt(out, Datums.toLong(v, ft));
      case UNSIGNED -> writeCompactUint(out, Datums.toLong(v, ft));
      case FLOAT -> out.writeBytes(Codec.encodeFloat((float) Datums.toDouble(v)));
      case DOUBLE -> out.writeBytes(Codec.encodeFloat(Datums.toDouble(v)));
      case DECIMAL -> writeDecimal(out, ft, Datums.toDecimal(v));
      case JSON -> out.writeBytes(Datums.toJson(v));
      case VECTOR -> out.writeBytes(Datums.vectorBytes(Datums.toVector(v)));
      case BYTES -> out.writeBytes(Datums.toBytes(v));
    }
    return out.toByteArray();
  }

  private static void encodeV1Value(ByteArrayOutputStream out, FieldType ft, Object v) {
    if (v == null) {
      out.write(CommonHandle.NIL_FLAG);
      return;
    }
    switch (Datums.kindOf(ft)) {
      case SIGNED -> {
        out.write(CommonHandle.VARINT_FLAG);
        Codec.writeVarint(out, Datums.toLong(v, ft));
      }
      case UNSIGNED -> {
        out.write(CommonHandle.UVARINT_FLAG);
        Codec.writeUvarint(out, Datums.toLong(v, ft));
      }
      case FLOAT -> {
        out.write(CommonHandle.FLOAT_FLAG);
        out.writeBytes(Codec.encodeFloat((float) Datums.toDouble(v)));
      }
      case DOUBLE -> {
        out.write(CommonHandle.FLOAT_FLAG);
        out.writeBytes(Codec.encodeFloat(Datums.toDouble(v)));
      }
      case DECIMAL -> {
        out.write(CommonHandle.DECIMAL_FLAG);
        writeDecimal(out, ft, Datums.toDecimal(v));
      }
      case JSON -> {
        out.write(CommonHandle.JSON_FLAG);
        out.writeBytes(Datums.toJson(v));
      }
      case VECTOR -> {
        out.write(CommonHandle.VECTOR_FLAG);
        out.writeBytes(Datums.vectorBytes(Datums.toVector(v)));
      }
      case BYTES -> {
        byte[] b = Datums.toBytes(v);
        out.write(CommonHandle.COMPACT_BYTES_FLAG);
        Codec.writeVarint(out, b.length);
        out.writeBytes(b);
      }
    }
  }

  /** Columns a row value carries: present in the map, stored, and not the int handle. */
  private static List<ColumnInfo> written(TableInfo t, Map<Long, Object> values) {
    long handleId = t.pkHandleColumn().map(ColumnInfo::id).orElse(Long.MIN_VALUE);
    return t.columns().stream()
        .filter(c -> values.containsKey(c.id()))
        .filter(c -> c.id() != handleId)
        .filter(ColumnInfo::cdcVisible)
        .toList();
  }

  /** {@code precision, frac} TiDB writes for a DECIMAL: the column's, else the value's own. */
  static int[] precisionAndFrac(FieldType ft, BigDecimal v) {
    int frac = ft.decimal() >= 0 ? ft.decimal() : Math.max(v.scale(), 0);
    int intDigits = Math.max(v.precision() - v.scale(), 1);
    int prec = ft.flen() > 0 ? ft.flen() : intDigits + frac;
    return new int[] {prec, frac};
  }

  private static void writeDecimal(ByteArrayOutputStream out, FieldType ft, BigDecimal d) {
    int[] pf = precisionAndFrac(ft, d);
    out.write(pf[0]);
    out.write(pf[1]);
    out.writeBytes(MyDecimal.toBin(d, pf[0], pf[1]));
  }

  /** Smallest little-endian signed width (1, 2, 4, 8) that holds {@code v}. */
  static void writeCompactInt(ByteArrayOutputStream out, long v) {
    int size = v == (byte) v ? 1 : v == (short) v ? 2 : v == (int) v ? 4 : 8;
    writeLe(out, v, size);
  }

  /** Smallest little-endian unsigned width (1, 2, 4, 8) that holds {@code v}. */
  static void writeCompactUint(ByteArrayOutputStream out, long v) {
    int size = (v & ~0xFFL) == 0 ? 1 : (v & ~0xFFFFL) == 0 ? 2 : (v & ~0xFFFFFFFFL) == 0 ? 4 : 8;
    writeLe(out, v, size);
  }

  static void writeLe(ByteArrayOutputStream out, long v, int size) {
    for (int i = 0; i < size; i++) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
