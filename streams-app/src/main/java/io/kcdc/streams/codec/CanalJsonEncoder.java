package io.kcdc.streams.codec;

import io.kcdc.avro.Ddl;
import io.kcdc.common.Tso;
import io.kcdc.streams.model.ColumnValues;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ActionType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TiCDC's canal-json protocol (docs/output-formats.md#canal-json): one record per row with a null key; DML fields
 * written in TiCDC's order, every non-null value as a JSON string; DDL and TIDB_WATERMARK messages in the order of
 * Go's {@code JSONMessage} struct. {@code mysqlType} keys follow table order (Go's order is random). A row over
 * {@code max-message-bytes} is re-sent with only its handle-key columns or claim-checked
 * (docs/output-formats.md#large-messages), else it fails with {@code CDC:ErrMessageTooLarge}.
 */
public final class CanalJsonEncoder implements RowEventEncoder {
  /** The canal-json event type of the checkpoint message. */
  public static final String WATERMARK_TYPE = "TIDB_WATERMARK";

  private final EncoderConfig config;
  private final Clock clock;
  private final ClaimCheckStorage claimCheck;
  private final MessageCompression compression;
  private final List<EncodedMessage> messages = new ArrayList<>();
  /** Per table version (the sorter hands out one instance per version): the parts of a row's text that it fixes. */
  private final Map<TableInfo, TableText> tableTexts = new IdentityHashMap<>();

  /**
   * The text every row of a table version shares, written once instead of per row: the message up to the event type,
   * each column name as a JSON string, each column's {@code "name":"type"} entry and the {@code mysqlType} object of
   * all columns.
   */
  private record TableText(String head, String[] names, String[] mysqlTypeEntries, String mysqlTypes) {}

  public CanalJsonEncoder(EncoderConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.claimCheck = config.largeMessageHandle().claimCheck() ? ClaimCheckStorage.of(config.largeMessageHandle()) : null;
    this.compression = config.largeMessageHandle().codec();
  }

  public CanalJsonEncoder(EncoderConfig config) {
    this(config, Clock.systemUTC());
  }

  @Override
  public boolean broadcastDdl() {
    return false;
  }

  @Override
  public void appendRow(String topic, RowEvent e) {
    EncodedMessage m = new EncodedMessage(null, compression.compress(dml(e, false, null)));
    if (m.length() > config.maxMessageBytes()) {
      LargeMessageHandle handle = config.largeMessageHandle();
      if (handle.disabled()) {
        throw tooLarge(m, e.table());
      }
      if (handle.claimCheck()) {
        String location = claimCheck.write(m.key(), m.value());
        m = new EncodedMessage(null, compression.compress(dml(e, true, location)));
      } else {
        m = new EncodedMessage(null, compression.compress(dml(e, true, null)));
        if (m.length() > config.maxMessageBytes()) {
          throw tooLarge(m, e.table());
        }
      }
    }
    messages.add(m);
  }

  @Override
  public List<EncodedMessage> build() {
    List<EncodedMessage> out = List.copyOf(messages);
    messages.clear();
    return out;
  }

  private TableText tableText(TableInfo t) {
    TableText text = tableTexts.get(t);
    if (text != null) {
      return text;
    }
    if (tableTexts.size() >= 1024) {
      tableTexts.clear(); // versions of tables long altered or gone; the live ones are rebuilt on their next row
    }
    GoJsonWriter head = new GoJsonWriter();
    head.raw("{\"id\":0,\"database\":").string(t.schemaName()).raw(",\"table\":").string(t.tableName());
    head.raw(",\"pkNames\":[");
    String[] names = new String[t.columnCount()];
    String[] types = new String[names.length];
    boolean firstKey = true;
    for (int i = 0; i < names.length; i++) {
      names[i] = new GoJsonWriter().string(t.column(i).getName()).toString();
      types[i] = new GoJsonWriter().raw(names[i]).raw(':')
          .string(CanalTypes.mysqlType(t, i, config.contentCompatible())).toString();
      if (t.isPrimaryKey(i)) {
        head.raw(firstKey ? "" : ",").raw(names[i]);
        firstKey = false;
      }
    }
    head.raw("],\"isDdl\":false,\"type\":");
    text = new TableText(head.toString(), names, types, "{" + String.join(",", types) + "}");
    tableTexts.put(t, text);
    return text;
  }

  private byte[] dml(RowEvent e, boolean largeOnlyHandleKey, String claimCheckLocation) {
    TableInfo t = e.table();
    TableText text = tableText(t);
    boolean delete = e.isDelete();
    boolean onlyHandleKey = largeOnlyHandleKey || (delete && config.deleteOnlyOutputHandleKeyColumns());
    GoJsonWriter w = new GoJsonWriter();
    w.raw(text.head()).string(delete ? "DELETE" : e.isInsert() ? "INSERT" : "UPDATE");
    w.raw(",\"es\":").number(Tso.physical(e.commitTs())).raw(",\"ts\":").number(clock.millis()).raw(",\"sql\":\"\"");

    List<Object> cols = delete ? e.preColumns() : e.columns();
    w.raw(",\"sqlType\":");
    boolean first = true;
    for (int i = 0; i < cols.size(); i++) {
      if (onlyHandleKey && !t.isHandleKey(i)) {
        continue;
      }
      w.raw(first ? '{' : ',').raw(text.names()[i]).raw(':').number(CanalTypes.javaSqlType(t, i, cols.get(i)));
      first = false;
    }
    w.raw(first ? "null" : "}");
    w.raw(",\"mysqlType\":");
    if (!onlyHandleKey && cols.size() == text.names().length) {
      w.raw(text.mysqlTypes());
    } else {
      w.raw('{');
      first = true;
      for (int i = 0; i < cols.size(); i++) {
        if (onlyHandleKey && !t.isHandleKey(i)) {
          continue;
        }
        w.raw(first ? "" : ",").raw(text.mysqlTypeEntries()[i]);
        first = false;
      }
      w.raw('}');
    }

    if (e.isUpdate()) {
      w.raw(",\"old\":");
      fillColumns(w, t, text.names(), e.preColumns(), config.outputOnlyUpdatedColumns() ? e.columns() : null,
          onlyHandleKey);
    } else {
      w.raw(",\"old\":null");
    }
    w.raw(",\"data\":");
    fillColumns(w, t, text.names(), cols, null, onlyHandleKey);
    if (config.enableTidbExtension()) {
      w.raw(",\"_tidb\":{\"commitTs\":").unsigned(e.commitTs());
      if (largeOnlyHandleKey) {
        w.raw(",\"onlyHandleKey\":true");
      }
      if (claimCheckLocation != null) {
        w.raw(",\"claimCheckLocation\":").string(claimCheckLocation);
      }
      w.raw('}');
    }
    w.raw('}');
    return w.toBytes();
  }

  private static void fillColumns(GoJsonWriter w, TableInfo t, String[] names, List<Object> values,
      List<Object> newValues, boolean onlyHandleKey) {
    if (values.isEmpty()) {
      w.raw("null");
      return;
    }
    w.raw("[{");
    boolean first = true;
    for (int i = 0; i < values.size(); i++) {
      Object v = values.get(i);
      // only-output-updated-columns: an old value equal to the new one is left out
      if (newValues != null && ColumnValues.equal(v, newValues.get(i))) {
        continue;
      }
      if (onlyHandleKey && !t.isHandleKey(i)) {
        continue;
      }
      if (!first) {
        w.raw(',');
      }
      first = false;
      w.raw(names[i]).raw(':');
      if (v == null) {
        w.raw("null");
      } else {
        w.string(formatValue(t, i, v));
      }
    }
    w.raw("}]");
  }

  /** TiCDC's {@code formatValue}: integers in decimal, floats shortest, BLOB bytes as ISO-8859-1, text as UTF-8. */
  static String formatValue(TableInfo t, int i, Object v) {
    if (v instanceof byte[] bytes) {
      return CanalTypes.javaSqlType(t, i, v) == CanalTypes.JAVA_BLOB
          ? new String(bytes, StandardCharsets.ISO_8859_1)
          : new String(bytes, StandardCharsets.UTF_8);
    }
    int tp = t.column(i).getType();
    boolean unsigned = t.isUnsigned(i) || MysqlType.isAlwaysUnsigned(tp);
    return ColumnValues.toString(v, unsigned);
  }

  private EncodeException tooLarge(EncodedMessage m, TableInfo t) {
    return EncodeException.messageTooLarge(m.length(), t, config.maxMessageBytes());
  }

  @Override
  public Optional<EncodedMessage> encodeDdl(Ddl ddl) {
    GoJsonWriter w = new GoJsonWriter();
    w.raw("{\"id\":0,\"database\":").string(ddl.getSchemaName()).raw(",\"table\":").string(ddl.getTableName());
    w.raw(",\"pkNames\":null,\"isDdl\":true,\"type\":").string(ddlType(ddl.getActionType()));
    w.raw(",\"es\":").number(Tso.physical(ddl.getCommitTs())).raw(",\"ts\":").number(clock.millis());
    w.raw(",\"sql\":").string(ddl.getQuery());
    w.raw(",\"sqlType\":null,\"mysqlType\":null,\"data\":null,\"old\":null");
    if (config.enableTidbExtension()) {
      w.raw(",\"_tidb\":{\"commitTs\":").unsigned(ddl.getCommitTs()).raw('}');
    }
    w.raw('}');
    return Optional.of(new EncodedMessage(null, compression.compress(w.toBytes())));
  }

  @Override
  public Optional<EncodedMessage> encodeCheckpoint(long ts) {
    if (!config.enableTidbExtension()) {
      return Optional.empty();
    }
    GoJsonWriter w = new GoJsonWriter();
    w.raw("{\"id\":0,\"database\":\"\",\"table\":\"\",\"pkNames\":null,\"isDdl\":false,\"type\":").string(WATERMARK_TYPE);
    w.raw(",\"es\":").number(Tso.physical(ts)).raw(",\"ts\":").number(clock.millis());
    w.raw(",\"sql\":\"\",\"sqlType\":null,\"mysqlType\":null,\"data\":null,\"old\":null");
    w.raw(",\"_tidb\":{\"watermarkTs\":").unsigned(ts).raw("}}");
    return Optional.of(new EncodedMessage(null, compression.compress(w.toBytes())));
  }

  /** canal's event type of a TiDB DDL action (TiCDC's {@code convertDdlEventType}). */
  static String ddlType(int actionType) {
    return switch (actionType) {
      case ActionType.CREATE_TABLE -> "CREATE";
      case ActionType.RENAME_TABLE, ActionType.RENAME_TABLES -> "RENAME";
      case ActionType.ADD_INDEX, ActionType.ADD_FOREIGN_KEY, ActionType.ADD_PRIMARY_KEY -> "CINDEX";
      case ActionType.DROP_INDEX, ActionType.DROP_FOREIGN_KEY, ActionType.DROP_PRIMARY_KEY -> "DINDEX";
      case ActionType.ADD_COLUMN, ActionType.DROP_COLUMN, ActionType.MODIFY_COLUMN, ActionType.REBASE_AUTO_ID,
          ActionType.SET_DEFAULT_VALUE, ActionType.MODIFY_TABLE_COMMENT, ActionType.RENAME_INDEX,
          ActionType.ADD_TABLE_PARTITION, ActionType.DROP_TABLE_PARTITION, ActionType.MODIFY_TABLE_CHARSET_AND_COLLATE,
          ActionType.TRUNCATE_TABLE_PARTITION, ActionType.ALTER_INDEX_VISIBILITY, ActionType.MULTI_SCHEMA_CHANGE,
          ActionType.REORGANIZE_PARTITION, ActionType.ALTER_TABLE_PARTITIONING, ActionType.REMOVE_PARTITIONING,
          ActionType.ADD_COLUMNS, ActionType.DROP_COLUMNS -> "ALTER";
      case ActionType.DROP_TABLE -> "ERASE";
      case ActionType.TRUNCATE_TABLE -> "TRUNCATE";
      default -> "QUERY";
    };
  }
}
