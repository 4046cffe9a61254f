package io.kcdc.upstream.sql;

import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.schema.CIStr;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.statement.alter.AlterExpression;

/**
 * ADD COLUMN and DROP COLUMN as TiDB applies them to a TableInfo: a new column gets
 * {@code max_col_id + 1} and goes last, with its default as {@code origin_default} so rows
 * written before read it; a dropped column leaves the later columns' offsets shifted down.
 * ADD/DROP INDEX, MODIFY COLUMN and RENAME change the definition the same way TiDB's job
 * worker leaves it in state Done.
 */
public final class AlterTableTranslator {
  private AlterTableTranslator() {}

  public static TableInfo addColumn(TableInfo t, AlterExpression.ColumnDataType cd, long updateTs) {
    String name = Identifiers.unquote(cd.getColumnName());
    if (t.columnByName(name).isPresent()) {
      throw new SqlException(1060, "42S21", "Duplicate column name '" + name + "'");
    }
    CreateTableTranslator.ColumnSpec spec = CreateTableTranslator.ColumnSpec.parse(cd.getColumnSpecs());
    if (spec.primaryKey() || spec.unique() || spec.autoIncrement()) {
      throw SqlException.unsupported("ADD COLUMN with a key or AUTO_INCREMENT");
    }
    ColumnInfo col = CreateTableTranslator.column(cd, spec, t.maxColumnId() + 1, t.columns().size());
    List<ColumnInfo> cols = new ArrayList<>(t.columns());
    cols.add(col);
    return t.toBuilder().columns(cols).updateTimestamp(updateTs).build();
  }

  public static TableInfo dropColumn(TableInfo t, String column, long updateTs) {
    String name = Identifiers.unquote(column);
    ColumnInfo drop = t.columnByName(name)
        .orElseThrow(() -> new SqlException(1091, "42000", "Can't DROP '" + name + "'; check that column/key exists"));
    if (t.columns().size() == 1) {
      throw new SqlException(1090, "42000", "You can't delete all columns with ALTER TABLE; use DROP TABLE instead");
    }
    for (IndexInfo ix : t.indices()) {
      if (ix.columns().stream().anyMatch(ic -> ic.offset() == drop.offset())) {
        throw SqlException.unsupported("drop column '" + name + "' covered by index " + ix.name().o());
      }
    }
    if (t.pkHandleColumn().map(c -> c.id() == drop.id()).orElse(false)) {
      throw SqlException.unsupported("drop the primary key column");
    }
    List<ColumnInfo> cols = new ArrayList<>();
    for (ColumnInfo c : t.columns()) {
      if (c.id() != drop.id()) {
        cols.add(c.withOffset(cols.size()));
      }
    }
    List<IndexInfo> indices = new ArrayList<>();
    for (IndexInfo ix : t.indices()) {
      List<IndexColumn> ics = ix.columns().stream()
          .map(ic -> new IndexColumn(ic.name(), ic.offset() > drop.offset() ? ic.offset() - 1 : ic.offset(), ic.length()))
          .toList();
      indices.add(new IndexInfo(ix.id(), ix.name(), ix.tableName(), ics, ix.state(), ix.backfillState(),
          ix.comment(), ix.indexType(), ix.unique(), ix.primary(), ix.invisible(), ix.global(), ix.mvIndex()));
    }
    // The builder only raises max_col_id, so the dropped id is never reused.
    return t.toBuilder().columns(cols).indices(indices).updateTimestamp(updateTs).build();
  }

  /** ADD INDEX / CREATE INDEX: the index gets {@code max_idx_id + 1}; without a name, TiDB names it after the first column. */
  public static TableInfo addIndex(TableInfo t, String indexName, List<String> columns, boolean unique, long updateTs) {
    if (columns.isEmpty()) {
      throw SqlException.parse("index without columns");
    }
    List<IndexColumn> ics = new ArrayList<>();
    for (String c : columns) {
      String name = Identifiers.unquote(c.replaceAll("\\(\\d+\\)$", "").trim());
      ColumnInfo col = t.columnByName(name)
          .orElseThrow(() -> new SqlException(1072, "42000", "Key column '" + name + "' doesn't exist in table"));
      ics.add(IndexColumn.of(col));
    }
    String name = indexName != null ? Identifiers.unquote(indexName) : freeName(t, ics.get(0).name().o());
    boolean exists = t.indices().stream().anyMatch(ix -> ix.name().l().equals(name.toLowerCase(Locale.ROOT)));
    if (exists) {
      throw new SqlException(1061, "42000", "Duplicate key name '" + name + "'");
    }
    List<IndexInfo> indices = new ArrayList<>(t.indices());
    indices.add(IndexInfo.of(t.maxIndexId() + 1, name, t.name().o(), ics, unique, false));
    ColumnInfo first = t.columns().get(ics.get(0).offset());
    List<ColumnInfo> cols = new ArrayList<>(t.columns());
    if (!first.type().hasFlag(MysqlFlag.PRI_KEY)) {
      int bit = unique && ics.size() == 1 ? MysqlFlag.UNIQUE_KEY : MysqlFlag.MULTIPLE_KEY;
      cols.set(first.offset(), first.withType(first.type().withFlag(first.type().flag() | bit)));
    }
    return t.toBuilder().columns(cols).indices(indices).updateTimestamp(updateTs).build();
  }

  /** DROP INDEX: the index leaves the TableInfo; its key flags leave the first column. */
  public static TableInfo dropIndex(TableInfo t, String indexName, long updateTs) {
    String name = Identifiers.unquote(indexName).toLowerCase(Locale.ROOT);
    IndexInfo drop = t.indices().stream().filter(ix -> ix.name().l().equals(name)).findFirst()
        .orElseThrow(() -> new SqlException(1091, "42000", "Can't DROP '" + indexName + "'; check that column/key exists"));
    if (drop.primary()) {
      throw SqlException.unsupported("drop the primary key");
    }
    List<IndexInfo> indices = t.indices().stream().filter(ix -> ix.id() != drop.id()).toList();
    List<ColumnInfo> cols = new ArrayList<>(t.columns());
    ColumnInfo first = cols.get(drop.columns().get(0).offset());
    if (!first.type().hasFlag(MysqlFlag.PRI_KEY)
        && indices.stream().noneMatch(ix -> ix.columns().get(0).offset() == first.offset())) {
      int f = first.type().flag() & ~(MysqlFlag.UNIQUE_KEY | MysqlFlag.MULTIPLE_KEY);
      cols.set(first.offset(), first.withType(first.type().withFlag(f)));
    }
    // The builder keeps max_idx_id, so the dropped id is never reused.
    return t.toBuilder().columns(cols).indices(indices).updateTimestamp(updateTs).build();
  }

  /**
   * MODIFY COLUMN: a new type and options for the same column id and offset; key flags stay.
   * (TiDB gives a column a new id when the change needs a reorg; rows here are re-read lazily
   * through the decoder, so the id is kept.)
   */
  public static TableInfo modifyColumn(TableInfo t, AlterExpression.ColumnDataType cd, long updateTs) {
    String name = Identifiers.unquote(cd.getColumnName());
    ColumnInfo old = t.columnByName(name)
        .orElseThrow(() -> new SqlException(1054, "42S22", "Unknown column '" + name + "' in '" + t.name().o() + "'"));
    CreateTableTranslator.ColumnSpec spec = CreateTableTranslator.ColumnSpec.parse(cd.getColumnSpecs());
    if (spec.primaryKey() || spec.unique()) {
      throw SqlException.unsupported("MODIFY COLUMN with a key");
    }
    ColumnInfo col = CreateTableTranslator.column(cd, spec, old.id(), old.offset());
    int keyBits = old.type().flag() & (MysqlFlag.PRI_KEY | MysqlFlag.UNIQUE_KEY | MysqlFlag.MULTIPLE_KEY);
    int flag = col.type().flag() | keyBits;
    if ((keyBits & MysqlFlag.PRI_KEY) != 0) {
      flag |= MysqlFlag.NOT_NULL;
    }
    col = col.withType(col.type().withFlag(flag));
    List<ColumnInfo> cols = new ArrayList<>(t.columns());
    cols.set(old.offset(), col);
    return t.toBuilder().columns(cols).updateTimestamp(updateTs).build();
  }

  /** RENAME TABLE / ALTER TABLE ... RENAME TO within one database. */
  public static TableInfo rename(TableInfo t, String newName, long updateTs) {
    return t.toBuilder().name(CIStr.of(Identifiers.unquote(newName))).updateTimestamp(updateTs).build();
  }

  private static String freeName(TableInfo t, String base) {
    String candidate = base;
    for (int i = 2; ; i++) {
      String l = candidate.toLowerCase(Locale.ROOT);
      if (t.indices().stream().noneMatch(ix -> ix.name().l().equals(l))) {
        return candidate;
      }
      candidate = base + "_" + i;
    }
  }
}
