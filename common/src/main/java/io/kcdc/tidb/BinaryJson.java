package io.kcdc.tidb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * TiDB's binary JSON ({@code types/json_binary.go}) as stored in rows: one type-code byte followed
 * by the value. Objects are {@code count u32, size u32, key entries (u32 offset, u16 length),
 * value entries (type u8, u32 offset or inlined literal), keys, values} with keys sorted bytewise;
 * arrays have no key entries; numbers are little endian; strings are uvarint length + UTF-8.
 */
public final class BinaryJson {
  public static final int TYPE_OBJECT = 0x01;
  public static final int TYPE_ARRAY = 0x03;
  public static final int TYPE_LITERAL = 0x04;
  public static final int TYPE_INT64 = 0x09;
  public static final int TYPE_UINT64 = 0x0a;
  public static final int TYPE_FLOAT64 = 0x0b;
  public static final int TYPE_STRING = 0x0c;
  public static final int TYPE_OPAQUE = 0x0d;
  public static final int TYPE_DATE = 0x0e;
  public static final int TYPE_DATETIME = 0x0f;
  public static final int TYPE_TIMESTAMP = 0x10;
  public static final int TYPE_TIME = 0x11;

  public static final int LITERAL_NULL = 0x00;
  public static final int LITERAL_TRUE = 0x01;
  public static final int LITERAL_FALSE = 0x02;

  private static final int HEADER_SIZE = 8;
  private static final int KEY_ENTRY_SIZE = 6;
  private static final int VALUE_ENTRY_SIZE = 5;
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final ObjectMapper PARSER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private BinaryJson() {}

  /** Parses JSON text like TiDB: integers to int64, else uint64, else float64. */
  public static byte[] fromText(String json) {
    JsonNode node;
    try {
      node = PARSER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Invalid JSON text: " + e.getOriginalMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("Invalid JSON text: The document is empty");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    int type = appendValue(out, node);
    byte[] b = out.toByteArray();
    b[0] = (byte) type;
    return b;
  }

  /** TiDB's text form ({@code BinaryJSON.String()}): {@code ", "} and {@code ": "} separators. */
  public static String toText(byte[] b) {
    if (b.length == 0) {
      throw new IllegalArgumentException("empty binary JSON");
    }
    StringBuilder sb = new StringBuilder();
    marshal(sb, b[0] & 0xFF, b, 1);
    return sb.toString();
  }

  /** Length of the value (without type code) of a {@code type} value starting at {@code off}. */
  public static int valueSize(int type, byte[] b, int off) {
    return switch (type) {
      case TYPE_OBJECT, TYPE_ARRAY -> le(b, off + 4, 4);
      case TYPE_LITERAL -> 1;
      case TYPE_INT64, TYPE_UINT64, TYPE_FLOAT64, TYPE_DATE, TYPE_DATETIME, TYPE_TIMESTAMP -> 8;
      case TYPE_TIME -> 12;
      case TYPE_STRING -> {
        Codec.Decoded<Long> len = Codec.readUvarint(b, off);
        yield len.next() - off + len.value().intValue();
      }
      case TYPE_OPAQUE -> {
        Codec.Decoded<Long> len = Codec.readUvarint(b, off + 1);
        yield len.next() - off + len.value().intValue();
      }
      default -> throw new IllegalArgumentException("unknown JSON type code " + type);
    };
  }

  private static int appendValue(ByteArrayOutputStream out, JsonNode n) {
    switch (n.getNodeType()) {
      case NULL -> {
        out.write(LITERAL_NULL);
        return TYPE_LITERAL;
      }
      case BOOLEAN -> {
        out.write(n.booleanValue() ? LITERAL_TRUE : LITERAL_FALSE);
        return TYPE_LITERAL;
      }
      case NUMBER -> {
        if (n.isIntegralNumber()) {
          BigInteger v = n.bigIntegerValue();
          if (v.bitLength() <= 63) {
            writeLe(out, v.longValue(), 8);
            return TYPE_INT64;
          }
          if (v.signum() > 0 && v.compareTo(UINT64_MAX) <= 0) {
            writeLe(out, v.longValue(), 8);
            return TYPE_UINT64;
          }
        }
        writeLe(out, Double.doubleToRawLongBits(n.doubleValue()), 8);
        return TYPE_FLOAT64;
      }
      case STRING -> {
        byte[] s = n.textValue().getBytes(StandardCharsets.UTF_8);
        Codec.writeUvarint(out, s.length);
        out.writeBytes(s);
        return TYPE_STRING;
      }
      case ARRAY -> {
        List<JsonNode> elems = new ArrayList<>();
        n.elements().forEachRemaining(elems::add);
        out.writeBytes(container(List.of(), elems));
        return TYPE_ARRAY;
      }
      case OBJECT -> {
        List<Map.Entry<byte[], JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          fields.add(Map.entry(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue()));
        }
        fields.sort((x, y) -> Arrays.compareUnsigned(x.getKey(), y.getKey()));
        out.writeBytes(container(fields.stream().map(Map.Entry::getKey).toList(),
            fields.stream().map(Map.Entry::getValue).toList()));
        return TYPE_OBJECT;
      }
      default -> throw new IllegalArgumentException("unsupported JSON node " + n.getNodeType());
    }
  }

  /** An object (keys non-empty list) or array (keys empty) body. */
  private static byte[] container(List<byte[]> keys, List<JsonNode> values) {
    int count = values.size();
    boolean object = !keys.isEmpty();
    int keyEntries = object ? count * KEY_ENTRY_SIZE : 0;
    int headerEnd = HEADER_SIZE + keyEntries + count * VALUE_ENTRY_SIZE;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] entries = new byte[headerEnd];
    putLe(entries, 0, count, 4);
    for (int i = 0; i < keys.size(); i++) {
      byte[] k = keys.get(i);
      if (k.length > 0xFFFF) {
        throw new IllegalArgumentException("JSON object key too long");
      }
      putLe(entries, HEADER_SIZE + i * KEY_ENTRY_SIZE, headerEnd + body.size(), 4);
      putLe(entries, HEADER_SIZE + i * KEY_ENTRY_SIZE + 4, k.length, 2);
      body.writeBytes(k);
    }
    for (int i = 0; i < count; i++) {
      int entry = HEADER_SIZE + keyEntries + i * VALUE_ENTRY_SIZE;
      ByteArrayOutputStream v = new ByteArrayOutputStream();
      int type = appendValue(v, values.get(i));
      entries[entry] = (byte) type;
      if (type == TYPE_LITERAL) {
        entries[entry + 1] = v.toByteArray()[0];
      } else {
        putLe(entries, entry + 1, headerEnd + body.size(), 4);
        body.writeBytes(v.toByteArray());
      }
    }
    putLe(entries, 4, headerEnd + body.size(), 4);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(entries);
    all.writeBytes(body.toByteArray());
    return all.toByteArray();
  }

  private static void marshal(StringBuilder sb, int type, byte[] b, int off) {
    switch (type) {
      case TYPE_LITERAL -> sb.append(switch (b[off]) {
        case LITERAL_TRUE -> "true";
        case LITERAL_FALSE -> "false";
        default -> "null";
      });
      case TYPE_INT64 -> sb.append(leLong(b, off));
      case TYPE_UINT64 -> sb.append(Long.toUnsignedString(leLong(b, off)));
      case TYPE_FLOAT64 -> sb.append(formatFloat(Double.longBitsToDouble(leLong(b, off))));
      case TYPE_STRING -> {
        Codec.Decoded<Long> len = Codec.readUvarint(b, off);
        quote(sb, new String(b, len.next(), len.value().intValue(), StandardCharsets.UTF_8));
      }
      case TYPE_OPAQUE -> {
        int fieldType = b[off] & 0xFF;
        Codec.Decoded<Long> len = Codec.readUvarint(b, off + 1);
        byte[] data = Arrays.copyOfRange(b, len.next(), len.next() + len.value().intValue());
        sb.append("\"base64:type").append(fieldType).append(':')
            .append(Base64.getEncoder().encodeToString(data)).append('"');
      }
      case TYPE_DATE, TYPE_DATETIME, TYPE_TIMESTAMP -> {
        int tp = type == TYPE_DATE ? MysqlType.TYPE_DATE : MysqlType.TYPE_DATETIME;
        quote(sb, PackedTime.format(leLong(b, off), tp, 6));
      }
      case TYPE_TIME -> quote(sb, DurationCodec.format(leLong(b, off), 6));
      case TYPE_ARRAY, TYPE_OBJECT -> {
        boolean object = type == TYPE_OBJECT;
        int count = le(b, off, 4);
        sb.append(object ? '{' : '[');
        int valueEntries = off + HEADER_SIZE + (object ? count * KEY_ENTRY_SIZE : 0);
        for (int i = 0; i < count; i++) {
          if (i > 0) {
            sb.append(", ");
          }
          if (object) {
            int keyEntry = off + HEADER_SIZE + i * KEY_ENTRY_SIZE;
            int keyOff = off + le(b, keyEntry, 4);
            int keyLen = le(b, keyEntry + 4, 2);
            quote(sb, new String(b, keyOff, keyLen, StandardCharsets.UTF_8));
            sb.append(": ");
          }
          int entry = valueEntries + i * VALUE_ENTRY_SIZE;
          int elemType = b[entry] & 0xFF;
          marshal(sb, elemType, b, elemType == TYPE_LITERAL ? entry + 1 : off + le(b, entry + 1, 4));
        }
        sb.append(object ? '}' : ']');
      }
      default -> throw new IllegalArgumentException("unknown JSON type code " + type);
    }
  }

  /**
   * TiDB's float text: shortest digits, {@code 'e'} notation outside [1e-15, 1e15), and a
   * trailing {@code .0} for integral values in plain notation.
   */
  static String formatFloat(double f) {
    double abs = Math.abs(f);
    if (abs != 0 && (abs < 1e-15 || abs >= 1e15)) {
      java.math.BigDecimal s = MountedValue.shortest(f);
      String digits = s.unscaledValue().abs().toString();
      int exp = digits.length() - 1 - s.scale();
      StringBuilder sb = new StringBuilder();
      if (f < 0) {
        sb.append('-');
      }
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      return sb.append('e').append(exp < 0 ? "-" : "").append(Math.abs(exp)).toString();
    }
    String plain = MountedValue.formatFloat64(f);
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** Go JSON string quoting without HTML escaping, as TiDB's {@code jsonMarshalStringTo}. */
  static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\u2028', '\u2029' -> sb.append("\\u202").append(c == '\u2028' ? '8' : '9');
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static int le(byte[] b, int off, int size) {
    int v = 0;
    for (int i = size - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  private static long leLong(byte[] b, int off) {
    return ByteBuffer.wrap(b, off, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static void putLe(byte[] b, int off, long v, int size) {
    for (int i = 0; i < size; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  private static void writeLe(ByteArrayOutputStream out, long v, int size) {
    for (int i = 0; i < size; i++) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
