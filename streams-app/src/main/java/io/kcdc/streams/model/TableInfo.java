package io.kcdc.streams.model;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.IndexDef;
import io.kcdc.avro.TableSchema;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One version of a table's schema as the sink stages see it (TiCDC's {@code model.TableInfo}): names,
 * CDC-visible columns in table order with TiCDC's column flags, and indexes.
 */
public record TableInfo(TableSchema schema) {
  // TiCDC ColumnFlagType bits (data-path.md §5.3), as carried in ColumnDef.flag.
  // TODO(common): read these from io.kcdc.tidb.ColumnFlag once common publishes it.
  private static final int BINARY = 1;
  private static final int HANDLE_KEY = 2;
  private static final int PRIMARY_KEY = 8;
  private static final int UNIQUE_KEY = 16;
  private static final int UNSIGNED = 128;
  /** MySQL ZerofillFlag in ColumnDef.mysqlFlag. */
  private static final int MYSQL_ZEROFILL = 64;

  public long tableId() {
    return schema.getTableId();
  }

  public long version() {
    return schema.getSchemaVersion();
  }

  public String schemaName() {
    return schema.getSchemaName();
  }

  public String tableName() {
    return schema.getTableName();
  }

  public List<ColumnDef> columns() {
    return schema.getColumns();
  }

  public ColumnDef column(int i) {
    return schema.getColumns().get(i);
  }

  public int columnCount() {
    return schema.getColumns().size();
  }

  public boolean isHandleKey(int i) {
    return (column(i).getFlag() & HANDLE_KEY) != 0;
  }

  public boolean isPrimaryKey(int i) {
    return (column(i).getFlag() & PRIMARY_KEY) != 0;
  }

  public boolean isUniqueKey(int i) {
    return (column(i).getFlag() & UNIQUE_KEY) != 0;
  }

  public boolean isUnsigned(int i) {
    return (column(i).getFlag() & UNSIGNED) != 0;
  }

  /** Charset binary (BINARY/VARBINARY/BLOB). */
  public boolean isBinary(int i) {
    return (column(i).getFlag() & BINARY) != 0;
  }

  public boolean isZerofill(int i) {
    return (column(i).getMysqlFlag() & MYSQL_ZEROFILL) != 0;
  }

  /** Position of the column named {@code name} (case-insensitive, like TiDB identifiers), or -1. */
  public int offsetOf(String name) {
    List<ColumnDef> cols = columns();
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).getName().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The index named {@code name}, case-insensitive. */
  public Optional<IndexDef> index(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return schema.getIndexes().stream()
        .filter(ix -> ix.getName().toLowerCase(Locale.ROOT).equals(lower))
        .findFirst();
  }
}
