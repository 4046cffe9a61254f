package io.kcdc.tidb;

import io.kcdc.tidb.schema.FieldType;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Clustered (common handle) primary keys: TiDB's comparable datum encoding
 * ({@code codec.EncodeKey}), one flag byte per value: int {@code 03}+EncodeInt, uint {@code 04}
 * +EncodeUint (also packed time, ENUM, SET, BIT), float {@code 05}+EncodeFloat, bytes {@code 01}
 * +EncodeBytes(collation sort key), decimal {@code 06}+prec+frac+bin, duration {@code 07}
 * +EncodeInt(nanos), null {@code 00}.
 */
public final class CommonHandle {
  static final int NIL_FLAG = 0;
  static final int BYTES_FLAG = 1;
  static final int COMPACT_BYTES_FLAG = 2;
  static final int INT_FLAG = 3;
  static final int UINT_FLAG = 4;
  static final int FLOAT_FLAG = 5;
  static final int DECIMAL_FLAG = 6;
  static final int DURATION_FLAG = 7;
  static final int VARINT_FLAG = 8;
  static final int UVARINT_FLAG = 9;
  static final int JSON_FLAG = 10;
  static final int VECTOR_FLAG = 20;

  private CommonHandle() {}

  /**
   * Encodes PK values (see {@link RowEncoder} for the accepted Java types; TIMESTAMP text is UTC).
   * Strings are encoded as their collation sort key: binary and {@code *_bin} collations are exact
   * (PAD SPACE {@code _bin} collations drop trailing spaces); case-insensitive collations are
   * approximated by upper-casing.
   */
  public static byte[] encode(List<FieldType> types, List<Object> values) {
    if (types.size() != values.size()) {
      throw new IllegalArgumentException("types and values differ in length");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < types.size(); i++) {
      encodeOne(out, types.get(i), values.get(i));
    }
    return out.toByteArray();
  }

  /** Decodes a handle to mounted values (strings come back as their sort key bytes). */
  public static List<Object> decode(byte[] handle, List<FieldType> types) {
    return decode(handle, 0, types, ZoneOffset.UTC);
  }

  static List<Object> decode(byte[] b, int off, List<FieldType> types, ZoneId tz) {
    List<Object> out = new ArrayList<>(types.size());
    int o = off;
    for (FieldType ft : types) {
      if (o >= b.length) {
        throw new IllegalArgumentException("handle has fewer values than columns");
      }
      int flag = b[o++] & 0xFF;
      switch (flag) {
        case NIL_FLAG -> out.add(null);
        case INT_FLAG, UINT_FLAG -> {
          long v = flag == INT_FLAG ? Codec.decodeInt(b, o) : Codec.decodeUint(b, o);
          o += 8;
          out.add(Datums.mount(v, ft, tz));
        }
        case DURATION_FLAG -> {
          out.add(Datums.mount(Codec.decodeInt(b, o), ft, tz));
          o += 8;
        }
        case FLOAT_FLAG -> {
          out.add(Datums.mount(Codec.decodeFloat(b, o), ft, tz));
          o += 8;
        }
        case BYTES_FLAG -> {
          Codec.Decoded<byte[]> d = Codec.decodeBytes(b, o);
          o = d.next();
          out.add(d.value());
        }
        case DECIMAL_FLAG -> {
          int prec = b[o] & 0xFF;
          int frac = b[o + 1] & 0xFF;
          Codec.Decoded<BigDecimal> d = MyDecimal.fromBin(b, o + 2, prec, frac);
          o = d.next();
          out.add(Datums.mount(d.value(), ft, tz));
        }
        default -> throw new IllegalArgumentException("unsupported handle datum flag " + flag);
      }
    }
    return out;
  }

  private static void encodeOne(ByteArrayOutputStream out, FieldType ft, Object v) {
    if (v == null) {
      out.write(NIL_FLAG);
      return;
    }
    switch (Datums.kindOf(ft)) {
      case SIGNED -> {
        if (ft.tp() == MysqlType.TYPE_DURATION) {
          out.write(DURATION_FLAG);
        } else {
          out.write(INT_FLAG);
        }
        out.writeBytes(Codec.encodeInt(Datums.toLong(v, ft)));
      }
      case UNSIGNED -> {
        out.write(UINT_FLAG);
        out.writeBytes(Codec.encodeUint(Datums.toLong(v, ft)));
      }
      case FLOAT, DOUBLE -> {
        out.write(FLOAT_FLAG);
        double d = Datums.toDouble(v);
        out.writeBytes(Codec.encodeFloat(Datums.kindOf(ft) == Datums.Kind.FLOAT ? (float) d : d));
      }
      case DECIMAL -> {
        BigDecimal d = Datums.toDecimal(v);
        int[] pf = RowEncoder.precisionAndFrac(ft, d);
        out.write(DECIMAL_FLAG);
        out.write(pf[0]);
        out.write(pf[1]);
        out.writeBytes(MyDecimal.toBin(d, pf[0], pf[1]));
      }
      case BYTES -> {
        out.write(BYTES_FLAG);
        out.writeBytes(Codec.encodeBytes(Collations.sortKey(Datums.toBytes(v), ft.collate())));
      }
      default -> throw new IllegalArgumentException("type " + ft.tp() + " cannot be in a key");
    }
  }
}
