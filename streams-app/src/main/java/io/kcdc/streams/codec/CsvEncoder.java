package io.kcdc.streams.codec;

import static io.kcdc.tidb.MysqlType.*;

import io.kcdc.streams.model.ColumnValues;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/**
 * TiCDC's CSV rows for the storage sink (docs/output-formats.md#csv):
 * {@code op, table, schema[, commitTs][, is-update][, handleKey], columns…} and the terminator. Text is quoted
 * (quote characters doubled) or, without a quote character, escaped; numbers and booleans are written as Go's
 * {@code %v}; NULL is the null string. With {@code output-old-value} an update becomes a {@code D} row of the old
 * values and an {@code I} row of the new ones.
 */
public final class CsvEncoder {
  private final CsvConfig config;

  public CsvEncoder(CsvConfig config) {
    this.config = config;
  }

  /** The header row of a table ({@code output-field-header}). */
  public byte[] header(TableInfo t) {
    List<String> names = new ArrayList<>(List.of("ticdc-meta$operation", "ticdc-meta$table", "ticdc-meta$schema"));
    if (config.includeCommitTs()) {
      names.add("ticdc-meta$commit-ts");
    }
    if (config.outputOldValue()) {
      names.add("ticdc-meta$is-update");
    }
    for (int i = 0; i < t.columnCount(); i++) {
      names.add(t.column(i).getName());
    }
    return (String.join(config.delimiter(), names) + config.terminator()).getBytes(StandardCharsets.UTF_8);
  }

  /** The row(s) of one change. */
  public byte[] encode(RowEvent e) {
    StringBuilder sb = new StringBuilder(128);
    if (e.isUpdate() && config.outputOldValue()) {
      row(sb, e, "D", e.preColumns(), true);
      row(sb, e, "I", e.columns(), true);
    } else if (e.isDelete()) {
      row(sb, e, "D", e.preColumns(), false);
    } else {
      row(sb, e, e.isInsert() ? "I" : "U", e.columns(), false);
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void row(StringBuilder sb, RowEvent e, String op, List<Object> values, boolean isUpdate) {
    TableInfo t = e.table();
    boolean[] first = {true};
    text(sb, op, first);
    text(sb, t.tableName(), first);
    text(sb, t.schemaName(), first);
    if (config.includeCommitTs()) {
      plain(sb, Long.toUnsignedString(e.commitTs()), first);
    }
    if (config.outputOldValue()) {
      plain(sb, Boolean.toString(isUpdate), first);
    }
    if (config.outputHandleKey()) {
      text(sb, handleKey(e), first);
    }
    for (int i = 0; i < values.size(); i++) {
      Object v = values.get(i);
      if (v == null) {
        plain(sb, config.nullString(), first);
      } else if (isText(t, i, v)) {
        text(sb, textValue(t, i, v), first);
      } else {
        plain(sb, numberValue(t, i, v), first);
      }
    }
    sb.append(config.terminator());
  }

  /** Values that are Go strings in TiCDC's CSV conversion (quoted or escaped); the rest are numbers. */
  private static boolean isText(TableInfo t, int i, Object v) {
    int tp = t.column(i).getType();
    return !(v instanceof Long || v instanceof Float || v instanceof Double) || tp == TYPE_ENUM || tp == TYPE_SET;
  }

  private String textValue(TableInfo t, int i, Object v) {
    int tp = t.column(i).getType();
    if (tp == TYPE_ENUM) {
      return AvroSchemas.enumName(t.column(i), (Long) v);
    }
    if (tp == TYPE_SET) {
      return AvroSchemas.setNames(t.column(i), (Long) v);
    }
    if (v instanceof byte[] b) {
      if (t.isBinary(i)) {
        return config.binaryEncodingMethod().equals(CsvConfig.HEX)
            ? HexFormat.of().formatHex(b) : Base64.getEncoder().encodeToString(b);
      }
      return new String(b, StandardCharsets.UTF_8);
    }
    return v.toString();
  }

  private static String numberValue(TableInfo t, int i, Object v) {
    if (v instanceof Float f) {
      return GoFormat.percentV(f, true);
    }
    if (v instanceof Double d) {
      return GoFormat.percentV(d, false);
    }
    int tp = t.column(i).getType();
    return ColumnValues.toString(v, t.isUnsigned(i) || tp == TYPE_BIT);
  }

  /** TiDB's handle {@code String()}: the int handle, else the handle-key values in braces. */
  private static String handleKey(RowEvent e) {
    OptionalLong rid = e.rowId();
    if (rid.isPresent()) {
      return Long.toString(rid.getAsLong());
    }
    TableInfo t = e.table();
    List<String> parts = new ArrayList<>();
    List<Object> values = e.keyColumns();
    for (int i = 0; i < t.columnCount(); i++) {
      if (t.isHandleKey(i)) {
        parts.add(ColumnValues.toString(values.get(i), t.isUnsigned(i)));
      }
    }
    return "{" + String.join(", ", parts) + "}";
  }

  private void separator(StringBuilder sb, boolean[] first) {
    if (!first[0]) {
      sb.append(config.delimiter());
    }
    first[0] = false;
  }

  private void plain(StringBuilder sb, String s, boolean[] first) {
    separator(sb, first);
    sb.append(s);
  }

  /** A Go string value: quoted with doubled quote characters, or escaped when no quote character is set. */
  private void text(StringBuilder sb, String s, boolean[] first) {
    separator(sb, first);
    String quote = config.quote();
    if (!quote.isEmpty()) {
      sb.append(quote).append(s.replace(quote, quote + quote)).append(quote);
      return;
    }
    String delimiter = config.delimiter();
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith(delimiter, i)) {
        for (char c : delimiter.toCharArray()) {
          sb.append('\\').append(c);
        }
        i += delimiter.length();
        continue;
      }
      char c = s.charAt(i++);
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\\' -> sb.append("\\\\");
        default -> sb.append(c);
      }
    }
  }
}
