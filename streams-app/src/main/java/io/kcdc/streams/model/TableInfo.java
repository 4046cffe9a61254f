package io.kcdc.streams.model;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.IndexDef;
import io.kcdc.avro.TableSchema;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One version of a table's schema as the sink stages see it (TiCDC's {@code model.TableInfo}): names,
 * CDC-visible columns in table order with TiCDC's column flags, and indexes.
 */
public record TableInfo(TableSchema schema) {
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

  /** Whether the table is partitioned (rows carry the partition's physical table id). */
  public boolean isPartition() {
    return schema.getIsPartition();
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
    return ColumnFlag.has(column(i).getFlag(), ColumnFlag.HANDLE_KEY);
  }

  public boolean isPrimaryKey(int i) {
    return ColumnFlag.has(column(i).getFlag(), ColumnFlag.PRIMARY_KEY);
  }

  public boolean isUniqueKey(int i) {
    return ColumnFlag.has(column(i).getFlag(), ColumnFlag.UNIQUE_KEY);
  }

  public boolean isUnsigned(int i) {
    return ColumnFlag.has(column(i).getFlag(), ColumnFlag.UNSIGNED);
  }

  /** Charset binary (BINARY/VARBINARY/BLOB). */
  public boolean isBinary(int i) {
    return ColumnFlag.has(column(i).getFlag(), ColumnFlag.BINARY);
  }

  public boolean isZerofill(int i) {
    return MysqlFlag.has(column(i).getMysqlFlag(), MysqlFlag.ZEROFILL);
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
