package io.kcdc.upstream.sql;

import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A statement's working copy of a table: rows by record key plus every unique index, so
 * conflicts are found without touching the store. Changes are buffered and written by
 * {@link #flush} only when the whole statement succeeded.
 */
final class TableImage {
  private final TableInfo table;
  private final List<IndexInfo> uniques;
  /** Rows are fetched by record key, and by unique index entry for secondary unique indexes. */
  private final Snapshot lookup;
  private final Set<String> looked = new java.util.HashSet<>();
  private final Map<String, TableStore.StoredRow> rows = new LinkedHashMap<>();
  private final List<Map<String, String>> indexes = new ArrayList<>();
  /** Pending writes by key; a null row is a delete. */
  private final Map<String, TableStore.StoredRow> pending = new LinkedHashMap<>();

  private TableImage(TableInfo table, List<IndexInfo> uniques, Snapshot lookup) {
    this.table = table;
    this.uniques = uniques;
    this.lookup = lookup;
    uniques.forEach(ix -> indexes.add(new HashMap<>()));
  }

  /**
   * An image of the table as {@code snap} sees it, loaded lazily: the record key enforces a
   * clustered primary key, and a unique index entry names the row holding its values.
   */
  static TableImage of(TableInfo table, Snapshot snap) {
    List<IndexInfo> uniques = TableStore.uniqueIndexes(table).stream()
        .filter(ix -> !(ix.primary() && table.commonHandle()))
        .toList();
    return new TableImage(table, uniques, snap);
  }

  /** Loads the stored rows whose unique index entries hold {@code values}' tuples. */
  private void fetchHolders(byte[] key, Object[] values) {
    long physicalId = io.kcdc.tidb.TableCodec.tableIdOf(key);
    for (IndexInfo ix : uniques) {
      IndexKeys.uniqueHolder(lookup, table, ix, physicalId, values).ifPresent(this::fetch);
    }
  }

  /** Loads the stored row at {@code key} once, in key-lookup mode. */
  private void fetch(byte[] key) {
    if (!looked.add(id(key))) {
      return;
    }
    lookup.get(key).ifPresent(v -> {
      Object[] values = io.kcdc.tidb.RowDecoder.decode(table, key, v);
      if (values != null) {
        index(new TableStore.StoredRow(key, values));
      }
    });
  }

  static String id(byte[] key) {
    return Arrays.toString(key);
  }

  /** Rows that clash with {@code values} stored at {@code key} (by handle or unique index). */
  List<TableStore.StoredRow> conflicts(byte[] key, Object[] values, byte[] ignoreKey) {
    fetch(key);
    fetchHolders(key, values);
    Set<String> found = new LinkedHashSet<>();
    String own = ignoreKey == null ? null : id(ignoreKey);
    if (rows.containsKey(id(key)) && !id(key).equals(own)) {
      found.add(id(key));
    }
    for (int i = 0; i < uniques.size(); i++) {
      String tuple = TableStore.indexTuple(uniques.get(i), values, table);
      String holder = tuple == null ? null : indexes.get(i).get(tuple);
      if (holder != null && !holder.equals(own)) {
        found.add(holder);
      }
    }
    return found.stream().map(rows::get).toList();
  }

  /** The duplicate-entry error for the first clash of {@code values}. */
  SqlException duplicate(byte[] key, Object[] values, byte[] ignoreKey) {
    fetch(key);
    fetchHolders(key, values);
    String own = ignoreKey == null ? null : id(ignoreKey);
    if (rows.containsKey(id(key)) && !id(key).equals(own)) {
      String shown = table.pkHandleColumn()
          .map(pk -> ColumnValues.toText(values[pk.offset()], pk.type()))
          .orElseGet(() -> table.primaryIndex()
              .map(ix -> TableStore.indexTuple(ix, values, table)).orElse(""));
      return SqlException.duplicateEntry(shown, TableStore.keyName(table, "PRIMARY"));
    }
    for (int i = 0; i < uniques.size(); i++) {
      String tuple = TableStore.indexTuple(uniques.get(i), values, table);
      String holder = tuple == null ? null : indexes.get(i).get(tuple);
      if (holder != null && !holder.equals(own)) {
        return SqlException.duplicateEntry(tuple, TableStore.keyName(table, uniques.get(i).name().o()));
      }
    }
    throw new IllegalStateException("no conflict");
  }

  void put(byte[] key, Object[] values) {
    looked.add(id(key));
    TableStore.StoredRow row = new TableStore.StoredRow(key, values);
    index(row);
    pending.put(id(key), row);
  }

  void remove(TableStore.StoredRow row) {
    String k = id(row.key());
    looked.add(k);
    rows.remove(k);
    for (int i = 0; i < uniques.size(); i++) {
      String tuple = TableStore.indexTuple(uniques.get(i), row.values(), table);
      if (tuple != null && k.equals(indexes.get(i).get(tuple))) {
        indexes.get(i).remove(tuple);
      }
    }
    pending.put(k, new TableStore.StoredRow(row.key(), null));
  }

  private void index(TableStore.StoredRow row) {
    String k = id(row.key());
    rows.put(k, row);
    for (int i = 0; i < uniques.size(); i++) {
      String tuple = TableStore.indexTuple(uniques.get(i), row.values(), table);
      if (tuple != null) {
        indexes.get(i).put(tuple, k);
      }
    }
  }

  void flush(Transaction txn, boolean rowFormatV1) {
    for (TableStore.StoredRow w : pending.values()) {
      IndexKeys.write(txn, table, w.key(), w.values());
      if (w.values() == null) {
        txn.delete(w.key());
      } else {
        TableStore.put(txn, table, w.key(), w.values(), rowFormatV1);
      }
    }
    pending.clear();
  }

}
