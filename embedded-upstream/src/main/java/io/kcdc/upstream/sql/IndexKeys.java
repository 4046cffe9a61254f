package io.kcdc.upstream.sql;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.CommonHandle;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.Transaction;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The index entries TiDB keeps beside each row, {@code t{tableId}_i{indexId}{values}...}: a
 * unique index without NULLs maps its values to the handle; any other index entry carries the
 * handle in its key and the value {@code '0'}. The primary index of a clustered table is the
 * record key itself and has no entries. TiCDC subscribes only to {@code t{id}_r}, so these keys
 * serve the upstream's lookups and unique checks and never reach a changefeed.
 */
final class IndexKeys {
  private static final byte INT_FLAG = 3;
  private static final byte[] NON_UNIQUE_VALUE = {'0'};

  private IndexKeys() {}

  /** One index entry: its raw key and value. */
  record Entry(byte[] key, byte[] value) {}

  /** The entries of every index for the row stored under {@code recordKey}. */
  static List<Entry> entries(TableInfo t, byte[] recordKey, Object[] values) {
    TableCodec.RecordKey rk = TableCodec.decodeRecordKey(recordKey);
    byte[] handle = rk.isIntHandle() ? intHandle(rk.intHandle()) : rk.commonHandle();
    List<Entry> out = new ArrayList<>();
    for (IndexInfo ix : t.indices()) {
      if (ix.primary() && t.commonHandle()) {
        continue;
      }
      List<Object> vals = new ArrayList<>();
      boolean hasNull = false;
      for (IndexColumn ic : ix.columns()) {
        Object v = values[ic.offset()];
        hasNull |= v == null;
        vals.add(v);
      }
      ByteArrayOutputStream key = new ByteArrayOutputStream();
      key.writeBytes(TableCodec.indexPrefix(rk.tableId(), ix.id()));
      key.writeBytes(CommonHandle.encode(
          ix.columns().stream().map(ic -> t.columns().get(ic.offset()).type()).toList(), vals));
      if (ix.unique() && !hasNull) {
        byte[] value = rk.isIntHandle() ? Codec.encodeInt(rk.intHandle()) : rk.commonHandle();
        out.add(new Entry(key.toByteArray(), value));
      } else {
        key.writeBytes(handle);
        out.add(new Entry(key.toByteArray(), NON_UNIQUE_VALUE));
      }
    }
    return out;
  }

  /** Replaces the index entries of the row at {@code recordKey} ({@code values} null: a delete). */
  static void write(Transaction txn, TableInfo t, byte[] recordKey, Object[] values) {
    if (t.indices().isEmpty()) {
      return;
    }
    Optional<byte[]> stored = txn.get(recordKey);
    List<Entry> old = stored.map(v -> RowDecoder.decode(t, recordKey, v))
        .map(vs -> entries(t, recordKey, vs)).orElse(List.of());
    List<Entry> now = values == null ? List.of() : entries(t, recordKey, values);
    for (Entry e : old) {
      if (now.stream().noneMatch(n -> java.util.Arrays.equals(n.key(), e.key()))) {
        txn.delete(e.key());
      }
    }
    for (Entry e : now) {
      txn.put(e.key(), e.value());
    }
  }

  /**
   * The record key of the row that holds {@code values} in unique index {@code ix} of the
   * physical table {@code physicalId}, read from the index entry; empty for NULLs or no holder.
   */
  static Optional<byte[]> uniqueHolder(io.kcdc.upstream.kv.Snapshot s, TableInfo t, IndexInfo ix,
      long physicalId, Object[] values) {
    List<Object> vals = new ArrayList<>();
    for (IndexColumn ic : ix.columns()) {
      if (values[ic.offset()] == null) {
        return Optional.empty();
      }
      vals.add(values[ic.offset()]);
    }
    ByteArrayOutputStream key = new ByteArrayOutputStream();
    key.writeBytes(TableCodec.indexPrefix(physicalId, ix.id()));
    key.writeBytes(CommonHandle.encode(
        ix.columns().stream().map(ic -> t.columns().get(ic.offset()).type()).toList(), vals));
    return s.get(key.toByteArray()).map(v -> t.commonHandle()
        ? TableCodec.recordKey(physicalId, v)
        : TableCodec.recordKey(physicalId, Codec.decodeInt(v, 0)));
  }

  /** Writes the entries of one (new) index for every stored row, as TiDB's ADD INDEX reorg does. */
  static void backfill(Transaction txn, TableInfo t, long indexId) {
    TableInfo only = t.toBuilder().indices(t.indices().stream().filter(ix -> ix.id() == indexId).toList()).build();
    for (TableStore.StoredRow r : TableStore.scan(txn, t)) {
      for (Entry e : entries(only, r.key(), r.values())) {
        txn.put(e.key(), e.value());
      }
    }
  }

  private static byte[] intHandle(long handle) {
    byte[] out = new byte[9];
    out[0] = INT_FLAG;
    System.arraycopy(Codec.encodeInt(handle), 0, out, 1, 8);
    return out;
  }
}
