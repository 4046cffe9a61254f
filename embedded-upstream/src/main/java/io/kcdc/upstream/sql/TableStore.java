package io.kcdc.upstream.sql;

import io.kcdc.tidb.CommonHandle;
import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.RowEncoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;

/**
 * Rows of a table in the KV store: record keys {@code t{id}_r{handle}} with row format v2
 * values. The handle is the int primary key, the encoded clustered key, or an allocated
 * {@code _tidb_rowid}. Values are mounted values in table column order.
 */
final class TableStore {
  /** Scan limit for "everything"; kept well below Integer.MAX_VALUE so limit arithmetic cannot overflow. */
  static final int SCAN_ALL = 1 << 30;

  private TableStore() {}

  /** A row as stored: its record key and its column values. */
  record StoredRow(byte[] key, Object[] values) {}

  static List<StoredRow> scan(Snapshot s, TableInfo t) {
    List<StoredRow> out = new ArrayList<>();
    for (long physicalId : Partitioning.physicalIds(t)) {
      byte[] prefix = TableCodec.recordPrefix(physicalId);
      for (KvPair p : s.scan(prefix, MetaCodec.prefixEnd(prefix), SCAN_ALL)) {
        Object[] values = RowDecoder.decode(t, p.key(), p.value());
        if (values != null) {
          out.add(new StoredRow(p.key(), values));
        }
      }
    }
    return out;
  }

  /**
   * The rows a WHERE clause can match: for an int-handle table whose WHERE pins the primary key
   * ({@code pk = c}, {@code pk IN (c1, c2)}, possibly AND-ed with more) only those keys are read,
   * otherwise the whole table. Callers still apply the full WHERE.
   */
  static List<StoredRow> candidates(Snapshot s, TableInfo t, Expression where, EvalContext session) {
    // A handle alone does not say which partition holds the row: partitioned tables are scanned.
    List<Long> handles = t.pkIsHandle() && t.partition() == null ? pinnedHandles(t, where, session) : null;
    if (handles == null) {
      long[] range = t.pkIsHandle() && t.partition() == null ? handleRange(t, where, session) : null;
      return range == null ? scan(s, t) : scanRange(s, t, range[0], range[1]);
    }
    List<StoredRow> out = new ArrayList<>();
    for (long h : new java.util.TreeSet<>(handles)) {
      byte[] key = TableCodec.recordKey(t.id(), h);
      s.get(key).ifPresent(v -> {
        Object[] values = RowDecoder.decode(t, key, v);
        if (values != null) {
          out.add(new StoredRow(key, values));
        }
      });
    }
    return out;
  }

  /** Rows with {@code lo <= handle <= hi}: int-handle record keys sort by handle. */
  private static List<StoredRow> scanRange(Snapshot s, TableInfo t, long lo, long hi) {
    List<StoredRow> out = new ArrayList<>();
    if (lo > hi) {
      return out;
    }
    byte[] end = MetaCodec.prefixEnd(TableCodec.recordKey(t.id(), hi));
    for (KvPair p : s.scan(TableCodec.recordKey(t.id(), lo), end, SCAN_ALL)) {
      Object[] values = RowDecoder.decode(t, p.key(), p.value());
      if (values != null) {
        out.add(new StoredRow(p.key(), values));
      }
    }
    return out;
  }

  /** {@code pk BETWEEN a AND b} (possibly AND-ed) on a signed int handle, as {lo, hi}; else null. */
  private static long[] handleRange(TableInfo t, Expression where, EvalContext session) {
    if (where instanceof AndExpression and) {
      long[] left = handleRange(t, and.getLeftExpression(), session);
      return left != null ? left : handleRange(t, and.getRightExpression(), session);
    }
    ColumnInfo pk = t.pkHandleColumn().orElseThrow();
    if (pk.type().unsigned() || !(where instanceof Between b) || b.isNot() || !isColumn(b.getLeftExpression(), pk)) {
      return null;
    }
    try {
      Object lo = ExpressionEvaluator.eval(b.getBetweenExpressionStart(), EvalContext.noRow(session));
      Object hi = ExpressionEvaluator.eval(b.getBetweenExpressionEnd(), EvalContext.noRow(session));
      if (lo == null || hi == null) {
        return new long[] {1, 0};
      }
      // Bounds outside the column's range just clamp; fractions round inwards.
      java.math.BigDecimal l = SqlValues.toDecimal(lo).setScale(0, java.math.RoundingMode.CEILING);
      java.math.BigDecimal h = SqlValues.toDecimal(hi).setScale(0, java.math.RoundingMode.FLOOR);
      java.math.BigDecimal min = java.math.BigDecimal.valueOf(Long.MIN_VALUE);
      java.math.BigDecimal max = java.math.BigDecimal.valueOf(Long.MAX_VALUE);
      return new long[] {l.max(min).min(max).longValueExact(), h.max(min).min(max).longValueExact()};
    } catch (SqlException | ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  private static List<Long> pinnedHandles(TableInfo t, Expression where, EvalContext session) {
    if (where instanceof AndExpression and) {
      List<Long> left = pinnedHandles(t, and.getLeftExpression(), session);
      return left != null ? left : pinnedHandles(t, and.getRightExpression(), session);
    }
    ColumnInfo pk = t.pkHandleColumn().orElseThrow();
    List<Expression> constants = new ArrayList<>();
    if (where instanceof EqualsTo eq) {
      if (isColumn(eq.getLeftExpression(), pk)) {
        constants.add(eq.getRightExpression());
      } else if (isColumn(eq.getRightExpression(), pk)) {
        constants.add(eq.getLeftExpression());
      } else {
        return null;
      }
    } else if (where instanceof InExpression in && !in.isNot() && isColumn(in.getLeftExpression(), pk)
        && in.getRightExpression() instanceof ParenthesedExpressionList<?> list) {
      constants.addAll(list);
    } else {
      return null;
    }
    List<Long> out = new ArrayList<>();
    try {
      for (Expression c : constants) {
        Object v = ExpressionEvaluator.eval(c, EvalContext.noRow(session));
        if (v != null) {
          out.add((Long) ColumnValues.toMounted(v, pk, 1));
        }
      }
    } catch (SqlException | ClassCastException e) {
      // Not a plain constant (or not a valid key value): read everything instead.
      return null;
    }
    return out;
  }

  private static boolean isColumn(Expression e, ColumnInfo c) {
    return e instanceof Column col && Identifiers.unquote(col.getColumnName()).equalsIgnoreCase(c.name().o());
  }

  /**
   * TiDB's default {@code txn-entry-size-limit}: a row whose key and value are larger is refused with
   * {@code [kv:8025]} (see pingcap/tidb {@code tests/realtikvtest/txntest/txn_test.go}, which inserts 7 MiB rows).
   */
  static final int TXN_ENTRY_SIZE_LIMIT = 6 << 20;

  /** The record key for a row, or {@code null} when the table uses {@code _tidb_rowid}. */
  static byte[] handleKey(TableInfo t, Object[] values) {
    if (t.pkIsHandle()) {
      ColumnInfo pk = t.pkHandleColumn().orElseThrow();
      return TableCodec.recordKey(Partitioning.physicalId(t, values), (Long) values[pk.offset()]);
    }
    if (t.commonHandle()) {
      List<ColumnInfo> cols = t.commonHandleColumns();
      List<FieldType> types = cols.stream().map(ColumnInfo::type).toList();
      List<Object> vals = cols.stream().map(c -> values[c.offset()]).toList();
      return TableCodec.recordKey(Partitioning.physicalId(t, values), CommonHandle.encode(types, vals));
    }
    return null;
  }

  static void put(Transaction txn, TableInfo t, byte[] key, Object[] values, boolean rowFormatV1) {
    Map<Long, Object> byId = new HashMap<>();
    for (ColumnInfo c : t.columns()) {
      byId.put(c.id(), values[c.offset()]);
    }
    byte[] value = rowFormatV1 ? RowEncoder.encodeV1(t, byId) : RowEncoder.encodeV2(t, byId);
    if (key.length + value.length > TXN_ENTRY_SIZE_LIMIT) {
      throw SqlException.entryTooLarge(TXN_ENTRY_SIZE_LIMIT, key.length + value.length);
    }
    txn.put(key, value);
  }

  /** Unique indexes whose values must not repeat (the int-handle PK is checked by key). */
  static List<IndexInfo> uniqueIndexes(TableInfo t) {
    return t.indices().stream().filter(IndexInfo::unique).toList();
  }

  /** The comparable tuple of an index, or {@code null} if a column is NULL (NULLs never clash). */
  static String indexTuple(IndexInfo ix, Object[] values, TableInfo t) {
    StringBuilder sb = new StringBuilder();
    for (IndexColumn ic : ix.columns()) {
      Object v = values[ic.offset()];
      if (v == null) {
        return null;
      }
      if (sb.length() > 0) {
        sb.append('-');
      }
      sb.append(ColumnValues.toText(v, t.columns().get(ic.offset()).type()));
    }
    return sb.toString();
  }

  /** TiDB's {@code 'table.index'} key name in duplicate-entry errors. */
  static String keyName(TableInfo t, String index) {
    return t.name().o() + "." + index;
  }
}
