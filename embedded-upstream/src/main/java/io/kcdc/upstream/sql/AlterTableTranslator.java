package io.kcdc.upstream.sql;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.statement.alter.AlterExpression;

/**
 * ADD COLUMN and DROP COLUMN as TiDB applies them to a TableInfo: a new column gets
 * {@code max_col_id + 1} and goes last, with its default as {@code origin_default} so rows
 * written before read it; a dropped column leaves the later columns' offsets shifted down.
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
}
