package io.kcdc.tidb;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TiCDC's own column flags ({@code model.ColumnFlagType}, open protocol {@code f}), computed from
 * MySQL flags and the table's indexes like {@code initColumnsFlag}: every column of an index gets
 * the index's flags (not only the first), and the columns of the handle index get
 * {@link #HANDLE_KEY}.
 */
public final class ColumnFlag {
  public static final int BINARY = 1;
  public static final int HANDLE_KEY = 2;
  public static final int GENERATED = 4;
  public static final int PRIMARY_KEY = 8;
  public static final int UNIQUE_KEY = 16;
  public static final int MULTIPLE_KEY = 32;
  public static final int NULLABLE = 64;
  public static final int UNSIGNED = 128;

  private ColumnFlag() {}

  public static boolean has(int flags, int bit) {
    return (flags & bit) != 0;
  }

  /** Flags of each CDC-visible column, in {@link TableInfo#visibleColumns()} order. */
  public static int[] compute(TableInfo t) {
    Map<Long, Integer> byId = new HashMap<>();
    for (ColumnInfo c : t.columns()) {
      byId.put(c.id(), fromMysqlFlags(t, c));
    }
    Optional<IndexInfo> handleIndex = handleIndex(t);
    for (IndexInfo ix : t.indices()) {
      boolean isHandle = handleIndex.isPresent() && handleIndex.get().id() == ix.id();
      for (var ic : ix.columns()) {
        ColumnInfo c = t.columns().get(ic.offset());
        int f = byId.get(c.id());
        if (ix.primary()) {
          f |= PRIMARY_KEY;
        } else if (ix.unique()) {
          f |= UNIQUE_KEY;
        }
        if (ix.columns().size() > 1) {
          f |= MULTIPLE_KEY;
        }
        if (isHandle) {
          f |= HANDLE_KEY;
        }
        byId.put(c.id(), f);
      }
    }
    List<ColumnInfo> visible = t.visibleColumns();
    int[] out = new int[visible.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = byId.get(visible.get(i).id());
    }
    return out;
  }

  /**
   * Columns that identify a row downstream: the int PK handle, else the columns of the handle
   * index (primary, else the smallest unique index on NOT NULL non-virtual columns, ties to the
   * smaller index id), in index order; empty when the table has none (ineligible).
   */
  public static List<ColumnInfo> handleKeyColumns(TableInfo t) {
    Optional<ColumnInfo> pk = t.pkHandleColumn();
    if (pk.isPresent()) {
      return List.of(pk.get());
    }
    return handleIndex(t)
        .map(ix -> ix.columns().stream().map(ic -> t.columns().get(ic.offset())).toList())
        .orElse(List.of());
  }

  /** The table has a primary key or a unique index on NOT NULL columns (TiCDC eligibility). */
  public static boolean eligible(TableInfo t) {
    return !handleKeyColumns(t).isEmpty();
  }

  private static int fromMysqlFlags(TableInfo t, ColumnInfo c) {
    int mysql = c.type().flag();
    int f = 0;
    if (c.type().binaryCharset()) {
      f |= BINARY;
    }
    if (c.generated()) {
      f |= GENERATED;
    }
    if (MysqlFlag.has(mysql, MysqlFlag.PRI_KEY)) {
      f |= PRIMARY_KEY;
      if (t.pkIsHandle()) {
        f |= HANDLE_KEY;
      }
    }
    if (MysqlFlag.has(mysql, MysqlFlag.UNIQUE_KEY)) {
      f |= UNIQUE_KEY;
    }
    if (!MysqlFlag.has(mysql, MysqlFlag.NOT_NULL)) {
      f |= NULLABLE;
    }
    if (MysqlFlag.has(mysql, MysqlFlag.MULTIPLE_KEY)) {
      f |= MULTIPLE_KEY;
    }
    if (MysqlFlag.has(mysql, MysqlFlag.UNSIGNED)) {
      f |= UNSIGNED;
    }
    return f;
  }

  private static Optional<IndexInfo> handleIndex(TableInfo t) {
    if (t.pkIsHandle() && t.pkHandleColumn().isPresent()) {
      return Optional.empty();
    }
    IndexInfo best = null;
    for (IndexInfo ix : t.indices()) {
      if (!uniqueOnNotNull(t, ix)) {
        continue;
      }
      if (ix.primary()) {
        return Optional.of(ix);
      }
      if (best == null
          || best.columns().size() > ix.columns().size()
          || (best.columns().size() == ix.columns().size() && best.id() > ix.id())) {
        best = ix;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean uniqueOnNotNull(TableInfo t, IndexInfo ix) {
    if (ix.primary()) {
      return true;
    }
    if (!ix.unique()) {
      return false;
    }
    for (var ic : ix.columns()) {
      ColumnInfo c = t.columns().get(ic.offset());
      if (!c.type().notNull() || (c.generated() && !c.generatedStored())) {
        return false;
      }
    }
    return true;
  }
}
