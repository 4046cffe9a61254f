package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import java.util.List;

/**
 * A column's type as TiDB stores it ({@code parser/types.FieldType}, custom JSON with capitalised
 * keys). {@code flen}/{@code decimal} of -1 mean unspecified; for time types {@code decimal} is the
 * fsp. TEXT vs BLOB and CHAR vs BINARY differ only by {@code charset == "binary"}.
 */
public record FieldType(
    @JsonProperty("Tp") int tp,
    @JsonProperty("Flag") int flag,
    @JsonProperty("Flen") int flen,
    @JsonProperty("Decimal") int decimal,
    @JsonProperty("Charset") String charset,
    @JsonProperty("Collate") String collate,
    @JsonProperty("Elems") List<String> elems,
    @JsonProperty("ElemsIsBinaryLit") List<Boolean> elemsIsBinaryLit,
    @JsonProperty("Array") boolean array) {

  public static final int UNSPECIFIED_LENGTH = -1;
  public static final String BINARY_CHARSET = "binary";

  /** A type with unspecified length/decimal and the charset TiDB gives such a type by default. */
  public static FieldType of(int tp) {
    boolean text = MysqlType.isString(tp) || tp == MysqlType.TYPE_ENUM || tp == MysqlType.TYPE_SET;
    return new FieldType(tp, 0, UNSPECIFIED_LENGTH, UNSPECIFIED_LENGTH,
        text ? "utf8mb4" : BINARY_CHARSET, text ? "utf8mb4_bin" : BINARY_CHARSET,
        null, null, false);
  }

  public FieldType withFlag(int newFlag) {
    return new FieldType(tp, newFlag, flen, decimal, charset, collate, elems, elemsIsBinaryLit, array);
  }

  public FieldType withLength(int newFlen, int newDecimal) {
    return new FieldType(tp, flag, newFlen, newDecimal, charset, collate, elems, elemsIsBinaryLit, array);
  }

  public FieldType withCharset(String newCharset, String newCollate) {
    return new FieldType(tp, flag, flen, decimal, newCharset, newCollate, elems, elemsIsBinaryLit, array);
  }

  public FieldType withElems(List<String> newElems) {
    return new FieldType(tp, flag, flen, decimal, charset, collate, newElems, elemsIsBinaryLit, array);
  }

  public boolean hasFlag(int bit) {
    return (flag & bit) != 0;
  }

  public boolean unsigned() {
    return hasFlag(MysqlFlag.UNSIGNED);
  }

  public boolean notNull() {
    return hasFlag(MysqlFlag.NOT_NULL);
  }

  public boolean binaryCharset() {
    return BINARY_CHARSET.equals(charset);
  }
}
