package io.kcdc.upstream.sql;

import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.Mutation;
import io.kcdc.upstream.kv.MvccTxnKv;
import io.kcdc.upstream.kv.PercolatorTransaction;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import java.util.List;

/**
 * Fault injection: a TiDB that dies between prewrite and commit (docs/lock-resolving.md). It runs
 * {@code INSERT INTO db.table (pk) VALUES (handle)} in an optimistic transaction, so the row and
 * its index entries are exactly what this TiDB would write (other columns take their defaults),
 * prewrites every key with TiDB's default TTL for a small transaction (3 s) and a primary that is
 * another key of the transaction, then stops: with {@code primaryCommitted} the primary is
 * committed first (the transaction is committed, the row's lock must be rolled forward), else
 * nothing is (the row's lock must be rolled back once its TTL is over).
 */
public final class OrphanLocks {
  private final SqlEngine engine;
  private final MvccTxnKv kv;

  /** The transaction left behind; {@code commitTs} is 0 when its primary was not committed. */
  public record Orphan(long startTs, byte[] rowKey, byte[] primaryKey, long commitTs) {}

  public OrphanLocks(SqlEngine engine, MvccTxnKv kv) {
    this.engine = engine;
    this.kv = kv;
  }

  /**
   * Leaves an orphan lock on row {@code handle} of {@code db.table}, a table whose handle is an
   * integer primary key. The primary is the transaction's first index entry (TiDB takes the
   * smallest key, and index keys sort before record keys); a table without a secondary index needs
   * {@code primaryHandle}, another row inserted by the same transaction to serve as the primary.
   *
   * @param primaryHandle the primary's row, or null for the row's first index entry
   * @throws IllegalArgumentException for an unknown table, a table without an integer handle, no
   *     key to serve as primary, or an INSERT the table refuses (e.g. the row exists)
   */
  public Orphan write(String db, String table, long handle, Long primaryHandle, boolean primaryCommitted) {
    Snapshot snap = kv.snapshot(kv.currentTs());
    DBInfo d = Catalog.database(snap, db).orElseThrow(() -> new IllegalArgumentException("unknown database " + db));
    TableInfo t = Catalog.table(snap, d.id(), table)
        .orElseThrow(() -> new IllegalArgumentException("unknown table " + db + "." + table));
    ColumnInfo pk = t.pkHandleColumn().orElseThrow(() -> new IllegalArgumentException(
        db + "." + table + " has no integer primary key as its handle"));
    if (primaryHandle != null && primaryHandle == handle) {
      throw new IllegalArgumentException("the primary row must be another row than " + handle);
    }
    String values = primaryHandle == null ? "(" + handle + ")" : "(" + primaryHandle + "), (" + handle + ")";
    PercolatorTransaction txn = insertAndAbandon("INSERT INTO `" + d.name().o() + "`.`" + t.name().o() + "` (`"
        + pk.name().o() + "`) VALUES " + values);
    List<Mutation> mutations = txn.mutations();
    byte[] rowKey = recordKey(mutations, handle);
    byte[] primary = primaryHandle != null ? recordKey(mutations, primaryHandle) : firstIndexEntry(mutations, db, table);
    kv.store().prewrite(mutations, primary, txn.startTs(), PercolatorTransaction.DEFAULT_LOCK_TTL_MILLIS);
    long commitTs = 0;
    if (primaryCommitted) {
      commitTs = kv.tso().next();
      kv.store().commit(List.of(primary), txn.startTs(), commitTs);
    }
    return new Orphan(txn.startTs(), rowKey, primary, commitTs);
  }

  /** Runs the INSERT in a fresh optimistic transaction and takes the transaction from the session. */
  private PercolatorTransaction insertAndAbandon(String insert) {
    try (Session s = engine.open(0, "root")) {
      s.execute("BEGIN OPTIMISTIC");
      try {
        s.execute(insert);
      } catch (SqlException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      Transaction txn = s.abandonTransaction();
      if (!(txn instanceof PercolatorTransaction p)) {
        throw new IllegalStateException("orphan locks need the embedded store's transactions");
      }
      return p;
    }
  }

  private static byte[] recordKey(List<Mutation> mutations, long handle) {
    for (Mutation m : mutations) {
      if (TableCodec.isRecordKey(m.rawKey()) && TableCodec.decodeRecordKey(m.rawKey()).intHandle() == handle) {
        return m.rawKey();
      }
    }
    throw new IllegalStateException("the INSERT wrote no row " + handle);
  }

  private static byte[] firstIndexEntry(List<Mutation> mutations, String db, String table) {
    for (Mutation m : mutations) {
      if (!TableCodec.isRecordKey(m.rawKey())) {
        return m.rawKey();
      }
    }
    throw new IllegalArgumentException(db + "." + table + " has no secondary index whose entry could be the orphan's"
        + " primary: name another row as primary (primary_handle)");
  }
}
