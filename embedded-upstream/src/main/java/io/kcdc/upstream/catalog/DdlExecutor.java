package io.kcdc.upstream.catalog;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.JobState;
import io.kcdc.tidb.schema.MultiSchemaInfo;
import io.kcdc.tidb.schema.SchemaState;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.Transaction;
import io.kcdc.upstream.kv.TxnKv;
import io.kcdc.upstream.kv.WriteConflictException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs schema changes like TiDB's DDL owner: one transaction allocates ids, changes the meta
 * keys, bumps the schema version and writes the job row (state Done) to
 * {@code mysql.tidb_ddl_job}; a second transaction moves the job to the history and deletes the
 * row. DDLs are serialised (TiDB has one DDL owner).
 */
public final class DdlExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(DdlExecutor.class);
  /** User objects get ids above TiDB's bootstrap range. */
  static final long FIRST_USER_ID = 100;
  private static final int MAX_ATTEMPTS = 10;

  private final TxnKv kv;
  private final LongConsumer splitTable;
  private final InfoSchemaCache infoSchema = new InfoSchemaCache();

  /** Without regions to split: a KV store without PD. */
  public DdlExecutor(TxnKv kv) {
    this(kv, id -> {});
  }

  /**
   * @param splitTable splits the region holding a new physical table's prefix there, as TiDB does after a DDL that
   *     creates tables or partitions (its {@code split-table} setting, on by default), so that every table starts
   *     in a region of its own (docs/many-tables.md)
   */
  public DdlExecutor(TxnKv kv, LongConsumer splitTable) {
    this.kv = kv;
    this.splitTable = splitTable;
  }

  /** The cluster's tables by name per schema version, for statements to find theirs. */
  public InfoSchemaCache infoSchema() {
    return infoSchema;
  }

  /** Writes the system schema and the {@code test} database once; later calls do nothing. */
  public synchronized void bootstrap() {
    retry(() -> {
      Transaction txn = kv.begin();
      if (Catalog.database(txn, SystemTables.MYSQL_DB_ID).isPresent()) {
        txn.rollback();
        return null;
      }
      Catalog.putDatabase(txn, SystemTables.mysqlDb());
      Catalog.putTable(txn, SystemTables.MYSQL_DB_ID, SystemTables.ddlJobTable());
      Catalog.putDatabase(txn, DBInfo.of(2, "test"));
      Catalog.setString(txn, MetaCodec.NEXT_GLOBAL_ID, FIRST_USER_ID);
      Catalog.setString(txn, MetaCodec.SCHEMA_VERSION_KEY, 1);
      txn.commit();
      return null;
    });
  }

  /** {@code CREATE DATABASE}; empty if it exists and {@code ifNotExists}. */
  public synchronized Optional<DBInfo> createDatabase(String name, boolean ifNotExists, String query) {
    return retry(() -> {
      Transaction txn = kv.begin();
      if (Catalog.database(txn, name).isPresent()) {
        txn.rollback();
        if (ifNotExists) {
          return Optional.empty();
        }
        throw new SchemaException.DatabaseExists(name);
      }
      DBInfo db = DBInfo.of(Catalog.genGlobalId(txn), name);
      Catalog.putDatabase(txn, db);
      long version = Catalog.bumpSchemaVersion(txn);
      DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), ActionType.CREATE_SCHEMA, db.id(), 0,
          db.name().o(), "", query, new HistoryInfo(version, db, null, txn.startTs(), null));
      finish(txn, job);
      return Optional.of(db);
    });
  }

  /**
   * {@code CREATE TABLE}: {@code build} receives the new table id and the DDL start ts and
   * returns the table; empty if it exists and {@code ifNotExists}.
   */
  public synchronized Optional<TableInfo> createTable(String dbName, String tableName,
      boolean ifNotExists, String query, BuildTable build) {
    return retry(() -> {
      Transaction txn = kv.begin();
      DBInfo db = requireDatabase(txn, dbName);
      if (infoSchema.table(txn, db.id(), tableName).isPresent()) {
        txn.rollback();
        if (ifNotExists) {
          return Optional.empty();
        }
        throw new SchemaException.TableExists(tableName);
      }
      TableInfo table;
      try {
        table = build.build(Catalog.genGlobalId(txn), txn.startTs(), () -> Catalog.genGlobalId(txn));
      } catch (RuntimeException e) {
        txn.rollback();
        throw e;
      }
      long version = Catalog.schemaVersion(txn);
      Catalog.putTable(txn, db.id(), table);
      finishTableJob(txn, ActionType.CREATE_TABLE, db, table.id(), table, query);
      infoSchema.created(version, db.id(), table);
      return Optional.of(table);
    });
  }

  /** {@code DROP TABLE}: the meta entry goes; the rows stay until GC, as in TiDB. */
  public synchronized boolean dropTable(String dbName, String tableName, boolean ifExists, String query) {
    return retry(() -> {
      Transaction txn = kv.begin();
      Optional<DBInfo> db = Catalog.database(txn, dbName);
      Optional<TableInfo> table = db.flatMap(d -> infoSchema.table(txn, d.id(), tableName));
      if (table.isEmpty()) {
        txn.rollback();
        if (ifExists) {
          return false;
        }
        throw new SchemaException.UnknownTable(dbName, tableName);
      }
      Catalog.dropTable(txn, db.get().id(), table.get().id());
      long version = Catalog.bumpSchemaVersion(txn);
      TableInfo dropped = table.get().toBuilder().state(SchemaState.NONE).build();
      DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), ActionType.DROP_TABLE, db.get().id(),
          dropped.id(), db.get().name().o(), dropped.name().o(), query,
          new HistoryInfo(version, null, dropped, txn.startTs(), null));
      finish(txn, job);
      return true;
    });
  }

  /** {@code DROP DATABASE} with its tables. */
  public synchronized boolean dropDatabase(String dbName, boolean ifExists, String query) {
    return retry(() -> {
      Transaction txn = kv.begin();
      Optional<DBInfo> db = Catalog.database(txn, dbName);
      if (db.isEmpty()) {
        txn.rollback();
        if (ifExists) {
          return false;
        }
        throw new SchemaException.UnknownDatabase(dbName);
      }
      Catalog.dropDatabase(txn, db.get().id());
      long version = Catalog.bumpSchemaVersion(txn);
      DBInfo dropped = new DBInfo(db.get().id(), db.get().name(), db.get().charset(),
          db.get().collate(), SchemaState.NONE);
      DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), ActionType.DROP_SCHEMA, dropped.id(), 0,
          dropped.name().o(), "", query, new HistoryInfo(version, dropped, null, txn.startTs(), null));
      finish(txn, job);
      return true;
    });
  }

  /**
   * A change of one table's definition (ADD/DROP COLUMN ...): {@code change} receives the
   * current table and the DDL start ts.
   */
  public synchronized TableInfo alterTable(String dbName, String tableName, int actionType,
      String query, AlterTable change) {
    return alterTable(dbName, tableName, actionType, query, (t, ts, ids) -> change.apply(t, ts));
  }

  /**
   * A change of one table's definition that may take new global ids (partition DDLs): {@code
   * change} receives the current table, the DDL start ts and the id allocator.
   */
  public synchronized TableInfo alterTable(String dbName, String tableName, int actionType,
      String query, AlterTableWithIds change) {
    return retry(() -> {
      Transaction txn = kv.begin();
      DBInfo db = requireDatabase(txn, dbName);
      TableInfo old = requireTable(txn, db, dbName, tableName);
      TableInfo table;
      try {
        table = change.apply(old, txn.startTs(), () -> Catalog.genGlobalId(txn));
      } catch (RuntimeException e) {
        txn.rollback();
        throw e;
      }
      Catalog.putTable(txn, db.id(), table);
      finishTableJob(txn, actionType, db, table.id(), table, query);
      return table;
    });
  }

  /**
   * One {@code ALTER TABLE} with several changes: applied in order to the table in one
   * transaction, and, like TiDB's MultiSchemaChange job, written as one Done job of type
   * MultiSchemaChange with a sub-job per change (all Done) and the final TableInfo, with one
   * schema version. A single change is an ordinary job of its own type.
   */
  public synchronized TableInfo alterTable(String dbName, String tableName, String query, List<SubChange> changes) {
    if (changes.size() == 1) {
      return alterTable(dbName, tableName, changes.get(0).actionType(), query, changes.get(0).change());
    }
    return retry(() -> {
      Transaction txn = kv.begin();
      DBInfo db = requireDatabase(txn, dbName);
      TableInfo table = requireTable(txn, db, dbName, tableName);
      try {
        for (SubChange c : changes) {
          table = c.change().apply(table, txn.startTs());
        }
      } catch (RuntimeException e) {
        txn.rollback();
        throw e;
      }
      Catalog.putTable(txn, db.id(), table);
      long version = Catalog.bumpSchemaVersion(txn);
      List<MultiSchemaInfo.SubJob> subJobs = new ArrayList<>();
      for (SubChange c : changes) {
        // A dropped column or index ends in state None, anything else Public.
        int state = c.actionType() == ActionType.DROP_COLUMN || c.actionType() == ActionType.DROP_INDEX
            ? SchemaState.NONE : SchemaState.PUBLIC;
        subJobs.add(new MultiSchemaInfo.SubJob(c.actionType(), null, state, 0, txn.startTs(), false,
            JobState.DONE, 0, null, version, 0, false));
      }
      DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), ActionType.MULTI_SCHEMA_CHANGE, db.id(), table.id(),
          db.name().o(), table.name().o(), query, new HistoryInfo(version, null, table, txn.startTs(), null))
          .withMultiSchemaInfo(new MultiSchemaInfo(subJobs, false, 0));
      finish(txn, job);
      return table;
    });
  }

  /** One change of a multi-change {@code ALTER TABLE} and its action type. */
  public record SubChange(int actionType, AlterTable change) {}

  /**
   * {@code TRUNCATE TABLE}: the table gets a new id (so a new, empty key range); the job's
   * {@code table_id} is the old id and its TableInfo the new one, as TiDB writes it.
   */
  public synchronized TableInfo truncateTable(String dbName, String tableName, String query) {
    return retry(() -> {
      Transaction txn = kv.begin();
      DBInfo db = requireDatabase(txn, dbName);
      TableInfo old = requireTable(txn, db, dbName, tableName);
      TableInfo.Builder b = old.toBuilder().id(Catalog.genGlobalId(txn)).updateTimestamp(txn.startTs());
      if (old.partition() != null) {
        // Every partition gets a new physical id too, so no old row is visible.
        b.partition(io.kcdc.upstream.sql.Partitioning.renumber(old.partition(), () -> Catalog.genGlobalId(txn)));
      }
      TableInfo table = b.build();
      Catalog.dropTable(txn, db.id(), old.id());
      Catalog.putTable(txn, db.id(), table);
      finishTableJob(txn, ActionType.TRUNCATE_TABLE, db, old.id(), table, query);
      return table;
    });
  }

  /**
   * {@code RENAME TABLE}: the TableInfo keeps its id and moves to {@code newDb} under
   * {@code newName}; the job's schema id is the new database's, as TiDB writes it.
   */
  public synchronized TableInfo renameTable(String dbName, String tableName, String newDbName,
      String newName, String query) {
    return retry(() -> {
      Transaction txn = kv.begin();
      DBInfo db = requireDatabase(txn, dbName);
      DBInfo newDb = requireDatabase(txn, newDbName);
      TableInfo old = requireTable(txn, db, dbName, tableName);
      if (infoSchema.table(txn, newDb.id(), newName).isPresent()) {
        txn.rollback();
        throw new SchemaException.TableExists(newName);
      }
      TableInfo table = old.toBuilder().name(io.kcdc.tidb.schema.CIStr.of(newName))
          .updateTimestamp(txn.startTs()).build();
      moveTable(txn, db, newDb, old, table);
      long version = Catalog.bumpSchemaVersion(txn);
      DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), ActionType.RENAME_TABLE, newDb.id(),
          table.id(), newDb.name().o(), table.name().o(), query,
          new HistoryInfo(version, null, table, txn.startTs(), null));
      finish(txn, job);
      return table;
    });
  }

  /** One {@code old TO new} pair of a {@code RENAME TABLE} statement. */
  public record Rename(String fromDb, String fromTable, String toDb, String toTable) {}

  /**
   * {@code RENAME TABLE a TO b, c TO d}: TiDB runs a statement with more than one pair as one
   * RenameTables job (docs/schema-lifecycle.md): the pairs apply in order in one transaction with
   * one schema version; the job's {@code MultipleTableInfos} are the renamed tables in statement
   * order and its version 1 {@code raw_args} name each table's old and new schema and name.
   */
  public synchronized List<TableInfo> renameTables(List<Rename> renames, String query) {
    if (renames.size() == 1) {
      Rename r = renames.get(0);
      return List.of(renameTable(r.fromDb(), r.fromTable(), r.toDb(), r.toTable(), query));
    }
    return retry(() -> {
      Transaction txn = kv.begin();
      List<TableInfo> renamed = new ArrayList<>();
      List<io.kcdc.tidb.schema.RenameTablesArgs.Entry> args = new ArrayList<>();
      try {
        for (Rename r : renames) {
          DBInfo db = requireDatabase(txn, r.fromDb());
          DBInfo newDb = requireDatabase(txn, r.toDb());
          TableInfo old = requireTable(txn, db, r.fromDb(), r.fromTable());
          if (infoSchema.table(txn, newDb.id(), r.toTable()).isPresent()) {
            throw new SchemaException.TableExists(r.toTable());
          }
          TableInfo table = old.toBuilder().name(io.kcdc.tidb.schema.CIStr.of(r.toTable()))
              .updateTimestamp(txn.startTs()).build();
          moveTable(txn, db, newDb, old, table);
          renamed.add(table);
          args.add(new io.kcdc.tidb.schema.RenameTablesArgs.Entry(db.id(), newDb.id(), table.id(), table.name(),
              db.name(), old.name()));
        }
      } catch (RuntimeException e) {
        txn.rollback();
        throw e;
      }
      long version = Catalog.bumpSchemaVersion(txn);
      DBInfo firstNewDb = Catalog.database(txn, args.get(0).newSchemaId()).orElseThrow();
      DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), ActionType.RENAME_TABLES, firstNewDb.id(),
          renamed.get(renamed.size() - 1).id(), firstNewDb.name().o(), args.get(args.size() - 1).oldTableName().o(), query,
          new HistoryInfo(version, null, null, txn.startTs(), List.copyOf(renamed)))
          .withRawArgs(new io.kcdc.tidb.schema.RenameTablesArgs(args).toV1());
      finish(txn, job);
      return List.copyOf(renamed);
    });
  }

  /** Writes a renamed table under its (possibly new) database, moving its auto id base along. */
  private static void moveTable(Transaction txn, DBInfo db, DBInfo newDb, TableInfo old, TableInfo table) {
    if (newDb.id() != db.id()) {
      long autoIdBase = Catalog.autoIdBase(txn, db.id(), old.id());
      Catalog.dropTable(txn, db.id(), old.id());
      Catalog.setAutoIdBase(txn, newDb.id(), old.id(), autoIdBase);
    }
    Catalog.putTable(txn, newDb.id(), table);
  }

  /**
   * Checks a normal table against the partition it is exchanged with ({@code WITH VALIDATION}):
   * throws when one of its rows does not belong there.
   */
  @FunctionalInterface
  public interface ExchangeValidation {
    void check(Transaction txn, TableInfo partitioned, long partitionId, TableInfo normal);
  }

  /**
   * {@code ALTER TABLE pt EXCHANGE PARTITION p WITH TABLE nt}: as TiDB's {@code
   * onExchangeTablePartition}, no row moves; the partition's id and the normal table's id swap
   * (docs/schema-lifecycle.md). The partitioned table keeps its id with the normal table's old id
   * as the partition's, the normal table is written anew under the partition's old id, both get
   * the larger auto id base. The job (SchemaID and TableID the normal table's, as before the
   * swap) finishes with the partitioned table's TableInfo; its version 1 {@code raw_args} are
   * {@code [partitionID, ptSchemaID, ptID, partitionName, withValidation]}.
   */
  public synchronized TableInfo exchangePartition(String ptDbName, String ptName, String partition,
      String ntDbName, String ntName, boolean withValidation, String query, ExchangeValidation validation) {
    return retry(() -> {
      Transaction txn = kv.begin();
      DBInfo ptDb = requireDatabase(txn, ptDbName);
      DBInfo ntDb = requireDatabase(txn, ntDbName);
      TableInfo pt = requireTable(txn, ptDb, ptDbName, ptName);
      TableInfo nt = requireTable(txn, ntDb, ntDbName, ntName);
      io.kcdc.tidb.schema.PartitionDefinition def;
      try {
        def = exchangeCheck(pt, nt, partition);
        if (withValidation) {
          validation.check(txn, pt, def.id(), nt);
        }
      } catch (RuntimeException e) {
        txn.rollback();
        throw e;
      }
      long partitionId = def.id();
      List<io.kcdc.tidb.schema.PartitionDefinition> defs = new ArrayList<>();
      for (io.kcdc.tidb.schema.PartitionDefinition d : pt.partition().definitions()) {
        defs.add(d.id() != partitionId ? d
            : new io.kcdc.tidb.schema.PartitionDefinition(nt.id(), d.name(), d.lessThan(), d.inValues(), d.comment()));
      }
      TableInfo newPt = pt.toBuilder()
          .partition(io.kcdc.upstream.sql.Partitioning.withDefinitions(pt.partition(), defs))
          .updateTimestamp(txn.startTs()).build();
      TableInfo newNt = nt.toBuilder().id(partitionId).updateTimestamp(txn.startTs()).build();
      long autoIdBase = Math.max(Catalog.autoIdBase(txn, ptDb.id(), pt.id()), Catalog.autoIdBase(txn, ntDb.id(), nt.id()));
      Catalog.dropTable(txn, ntDb.id(), nt.id());
      Catalog.putTable(txn, ptDb.id(), newPt);
      Catalog.putTable(txn, ntDb.id(), newNt);
      Catalog.setAutoIdBase(txn, ptDb.id(), pt.id(), autoIdBase);
      Catalog.setAutoIdBase(txn, ntDb.id(), newNt.id(), autoIdBase);
      long version = Catalog.bumpSchemaVersion(txn);
      com.fasterxml.jackson.databind.node.ArrayNode args = io.kcdc.tidb.schema.SchemaJson.mapper().createArrayNode()
          .add(partitionId).add(ptDb.id()).add(pt.id()).add(def.name().o()).add(withValidation);
      DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), ActionType.EXCHANGE_TABLE_PARTITION, ntDb.id(), nt.id(),
          ntDb.name().o(), nt.name().o(), query, new HistoryInfo(version, null, newPt, txn.startTs(), null))
          .withRawArgs(args);
      finish(txn, job);
      return newPt;
    });
  }

  /**
   * TiDB's checks before an exchange: a partitioned table and a normal one, the named partition,
   * and the same columns and indexes (index ids too: index keys carry them and stay where they are).
   */
  private static io.kcdc.tidb.schema.PartitionDefinition exchangeCheck(TableInfo pt, TableInfo nt, String partition) {
    if (pt.partition() == null || !pt.partition().enable()) {
      throw new SchemaException.Unsupported(1505, "Partition management on a not partitioned table is not possible");
    }
    if (nt.partition() != null) {
      throw new SchemaException.Unsupported(1732, "Table to exchange with partition is partitioned: '" + nt.name().o() + "'");
    }
    io.kcdc.tidb.schema.PartitionDefinition def = pt.partition().definitions().stream()
        .filter(d -> d.name().l().equalsIgnoreCase(partition)).findFirst()
        .orElseThrow(() -> new SchemaException.Unsupported(1735, "Unknown partition '" + partition + "' in table '"
            + pt.name().o() + "'"));
    if (!sameShape(pt, nt)) {
      throw new SchemaException.Unsupported(1736, "Tables have different definitions");
    }
    return def;
  }

  private static boolean sameShape(TableInfo a, TableInfo b) {
    if (a.columns().size() != b.columns().size() || a.indices().size() != b.indices().size()
        || a.pkIsHandle() != b.pkIsHandle() || a.commonHandle() != b.commonHandle()) {
      return false;
    }
    for (int i = 0; i < a.columns().size(); i++) {
      var x = a.columns().get(i);
      var y = b.columns().get(i);
      if (!x.name().l().equals(y.name().l()) || x.type().tp() != y.type().tp() || x.id() != y.id()) {
        return false;
      }
    }
    for (int i = 0; i < a.indices().size(); i++) {
      var x = a.indices().get(i);
      var y = b.indices().get(i);
      if (x.id() != y.id() || !x.name().l().equals(y.name().l()) || x.unique() != y.unique()) {
        return false;
      }
    }
    return true;
  }

  /** Computes a table's new definition from the current one and the DDL start ts. */
  @FunctionalInterface
  public interface AlterTable {
    TableInfo apply(TableInfo current, long startTs);
  }

  /** Like {@link AlterTable}, with the global id allocator for new physical ids. */
  @FunctionalInterface
  public interface AlterTableWithIds {
    TableInfo apply(TableInfo current, long startTs, java.util.function.LongSupplier nextGlobalId);
  }

  /** Builds a new table from its allocated id and the DDL's start ts; partitions take more ids. */
  @FunctionalInterface
  public interface BuildTable {
    TableInfo build(long tableId, long startTs, java.util.function.LongSupplier nextGlobalId);
  }

  private void finish(Transaction txn, DdlJob job) {
    DdlJob done = job.withStartTs(txn.startTs());
    txn.put(DdlJobWriter.jobKey(done.id()), DdlJobWriter.jobRow(done));
    long commitTs = txn.commit();
    LOG.info("DDL job {} ({}) done at {}: {}", done.id(), ActionType.name(done.type()), commitTs,
        done.query());
    // TiDB's worker then moves the job to the history and deletes the queue row.
    retry(() -> {
      Transaction cleanup = kv.begin();
      DdlJob history = done.withBinlog(done.binlog().withFinishedTs(commitTs));
      Catalog.putHistoryJob(cleanup, history);
      cleanup.delete(DdlJobWriter.jobKey(done.id()));
      cleanup.commit();
      return null;
    });
  }

  private static <T> T retry(java.util.function.Supplier<T> body) {
    WriteConflictException last = null;
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      try {
        return body.get();
      } catch (WriteConflictException e) {
        last = e;
      }
    }
    throw last;
  }

  private static DBInfo requireDatabase(Transaction txn, String dbName) {
    return Catalog.database(txn, dbName).orElseThrow(() -> new SchemaException.UnknownDatabase(dbName));
  }

  private TableInfo requireTable(Transaction txn, DBInfo db, String dbName, String tableName) {
    return infoSchema.table(txn, db.id(), tableName)
        .orElseThrow(() -> new SchemaException.UnknownTable(dbName, tableName));
  }

  /** Bumps the schema version and commits a Done job for a change of one table's definition. */
  private void finishTableJob(Transaction txn, int actionType, DBInfo db, long jobTableId, TableInfo table,
      String query) {
    long version = Catalog.bumpSchemaVersion(txn);
    DdlJob job = DdlJob.done(Catalog.genGlobalId(txn), actionType, db.id(), jobTableId, db.name().o(),
        table.name().o(), query, new HistoryInfo(version, null, table, txn.startTs(), null));
    finish(txn, job);
    if (!table.isView() && !table.isSequence()) {
      // After the job, as TiDB's session does (preSplitAndScatter); a boundary that exists stays as it is.
      table.physicalTableIds().forEach(splitTable::accept);
    }
  }
}
