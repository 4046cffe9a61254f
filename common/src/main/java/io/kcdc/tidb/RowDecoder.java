package io.kcdc.tidb;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.TableInfo;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mounter's row decoding ({@code cdc/entry/mounter.go}): a record key and value to
 * {@link MountedValue}s of the table's CDC-visible columns, in table order. Handles row format v2
 * ({@code value[0] == 0x80}) and v1, int handles (PK from the key, unsigned-aware) and common
 * handles (PK from the value, the key as fallback), and columns the row does not carry (origin
 * default, NULL, or the type's zero value).
 */
public final class RowDecoder {
  private RowDecoder() {}

  /** Decodes with TIMESTAMP values shown in UTC; null for an empty value (a delete). */
  public static Object[] decode(TableInfo t, byte[] rawKey, byte[] value) {
    return decode(t, rawKey, value, ZoneOffset.UTC);
  }

  /** Decodes with TIMESTAMP values converted from UTC to {@code tz} (the changefeed time zone). */
  public static Object[] decode(TableInfo t, byte[] rawKey, byte[] value, ZoneId tz) {
    if (value == null || value.length == 0) {
      return null;
    }
    Map<Long, Object> stored = (value[0] & 0xFF) == RowEncoder.CODEC_VER
        ? decodeV2(t, value, tz)
        : decodeV1(t, value, tz);
    Map<Long, Object> fromKey = handleValues(t, rawKey, tz);
    List<ColumnInfo> visible = t.visibleColumns();
    Object[] out = new Object[visible.size()];
    for (int i = 0; i < out.length; i++) {
      ColumnInfo c = visible.get(i);
      if (stored.containsKey(c.id())) {
        out[i] = stored.get(c.id());
      } else if (fromKey.containsKey(c.id())) {
        out[i] = fromKey.get(c.id());
      } else {
        out[i] = Datums.missingColumnValue(c, tz);
      }
    }
    return out;
  }

  /** Mounted values of the PK columns that the key carries, by column id. */
  private static Map<Long, Object> handleValues(TableInfo t, byte[] rawKey, ZoneId tz) {
    Map<Long, Object> out = new HashMap<>();
    if (rawKey == null || !TableCodec.isRecordKey(rawKey)) {
      return out;
    }
    TableCodec.RecordKey key = TableCodec.decodeRecordKey(rawKey);
    if (key.isIntHandle()) {
      t.pkHandleColumn().ifPresent(c -> out.put(c.id(), key.intHandle()));
      return out;
    }
    List<ColumnInfo> pk = t.commonHandleColumns();
    if (pk.isEmpty()) {
      return out;
    }
    List<Object> values = CommonHandle.decode(key.commonHandle(), 0,
        pk.stream().map(ColumnInfo::type).toList(), tz);
    for (int i = 0; i < pk.size(); i++) {
      out.put(pk.get(i).id(), values.get(i));
    }
    return out;
  }

  private static Map<Long, Object> decodeV2(TableInfo t, byte[] v, ZoneId tz) {
    boolean large = (v[1] & RowEncoder.FLAG_LARGE) != 0;
    int notNullCount = le(v, 2, 2);
    int nullCount = le(v, 4, 2);
    int idSize = large ? 4 : 1;
    int offSize = large ? 4 : 2;
    int idsStart = 6;
    int offsStart = idsStart + (notNullCount + nullCount) * idSize;
    int dataStart = offsStart + notNullCount * offSize;
    Map<Long, Object> out = new HashMap<>();
    int prevEnd = 0;
    for (int i = 0; i < notNullCount; i++) {
      long id = Integer.toUnsignedLong(le(v, idsStart + i * idSize, idSize));
      int end = le(v, offsStart + i * offSize, offSize);
      ColumnInfo c = t.columnById(id).orElse(null);
      if (c != null) {
        out.put(id, decodeV2Value(c.type(), v, dataStart + prevEnd, end - prevEnd, tz));
      }
      prevEnd = end;
    }
    for (int i = 0; i < nullCount; i++) {
      out.put(Integer.toUnsignedLong(le(v, idsStart + (notNullCount + i) * idSize, idSize)), null);
    }
    return out;
  }

  private static Object decodeV2Value(FieldType ft, byte[] b, int off, int len, ZoneId tz) {
    return switch (Datums.kindOf(ft)) {
      case SIGNED -> Datums.mountLong(compactInt(b, off, len), ft, tz);
      case UNSIGNED -> Datums.mountLong(compactUint(b, off, len), ft, tz);
      case FLOAT -> Datums.finiteFloat(Codec.decodeFloat(b, off));
      case DOUBLE -> Datums.finiteDouble(Codec.decodeFloat(b, off));
      case DECIMAL -> {
        BigDecimal d = MyDecimal.fromBin(b, off + 2, b[off] & 0xFF, b[off + 1] & 0xFF).value();
        yield MyDecimal.format(d, ft.decimal());
      }
      case JSON -> BinaryJson.toText(Arrays.copyOfRange(b, off, off + len));
      case VECTOR -> Datums.vectorText(Datums.vectorFrom(b, off, len));
      case BYTES -> Arrays.copyOfRange(b, off, off + len);
    };
  }

  private static Map<Long, Object> decodeV1(TableInfo t, byte[] v, ZoneId tz) {
    Map<Long, Object> out = new HashMap<>();
    int o = 0;
    if (v.length == 1 && v[0] == CommonHandle.NIL_FLAG) {
      return out;
    }
    while (o < v.length) {
      Datum id = readDatum(v, o);
      Datum val = readDatum(v, id.next);
      o = val.next;
      long colId = ((Number) id.value).longValue();
      ColumnInfo c = t.columnById(colId).orElse(null);
      if (c != null) {
        out.put(colId, Datums.mount(val.value, c.type(), tz));
      }
    }
    return out;
  }

  private record Datum(Object value, int next) {}

  /** One value-encoded datum: Long, Double, BigDecimal, byte[] (bytes or JSON), float[] or null. */
  private static Datum readDatum(byte[] b, int off) {
    int flag = b[off] & 0xFF;
    int o = off + 1;
    switch (flag) {
      case CommonHandle.NIL_FLAG:
        return new Datum(null, o);
      case CommonHandle.VARINT_FLAG: {
        Codec.Decoded<Long> d = Codec.readVarint(b, o);
        return new Datum(d.value(), d.next());
      }
      case CommonHandle.UVARINT_FLAG: {
        Codec.Decoded<Long> d = Codec.readUvarint(b, o);
        return new Datum(d.value(), d.next());
      }
      case CommonHandle.INT_FLAG, CommonHandle.DURATION_FLAG:
        return new Datum(Codec.decodeInt(b, o), o + 8);
      case CommonHandle.UINT_FLAG:
        return new Datum(Codec.decodeUint(b, o), o + 8);
      case CommonHandle.FLOAT_FLAG:
        return new Datum(Codec.decodeFloat(b, o), o + 8);
      case CommonHandle.DECIMAL_FLAG: {
        Codec.Decoded<BigDecimal> d = MyDecimal.fromBin(b, o + 2, b[o] & 0xFF, b[o + 1] & 0xFF);
        return new Datum(d.value(), d.next());
      }
      case CommonHandle.COMPACT_BYTES_FLAG: {
        Codec.Decoded<Long> len = Codec.readVarint(b, o);
        int start = len.next();
        int end = start + len.value().intValue();
        return new Datum(Arrays.copyOfRange(b, start, end), end);
      }
      case CommonHandle.BYTES_FLAG: {
        Codec.Decoded<byte[]> d = Codec.decodeBytes(b, o);
        return new Datum(d.value(), d.next());
      }
      case CommonHandle.JSON_FLAG: {
        int size = 1 + BinaryJson.valueSize(b[o] & 0xFF, b, o + 1);
        return new Datum(Arrays.copyOfRange(b, o, o + size), o + size);
      }
      case CommonHandle.VECTOR_FLAG: {
        int n = le(b, o, 4);
        int size = 4 + 4 * n;
        return new Datum(Datums.vectorFrom(b, o, size), o + size);
      }
      default:
        throw new IllegalArgumentException("unsupported datum flag " + flag + " at " + off);
    }
  }

  private static long compactInt(byte[] b, int off, int len) {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len).order(ByteOrder.LITTLE_ENDIAN);
    return switch (len) {
      case 1 -> b[off];
      case 2 -> buf.getShort();
      case 4 -> buf.getInt();
      case 8 -> buf.getLong();
      default -> throw new IllegalArgumentException("invalid compact int length " + len);
    };
  }

  private static long compactUint(byte[] b, int off, int len) {
    if (len != 1 && len != 2 && len != 4 && len != 8) {
      throw new IllegalArgumentException("invalid compact uint length " + len);
    }
    long v = 0;
    for (int i = len - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  private static int le(byte[] b, int off, int size) {
    int v = 0;
    for (int i = size - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }
}
