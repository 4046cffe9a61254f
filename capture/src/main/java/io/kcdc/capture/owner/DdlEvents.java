package io.kcdc.capture.owner;

import io.kcdc.avro.Ddl;
import io.kcdc.common.TableFilter;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.RenameTablesArgs;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a finished DDL job into the DDL events a sink receives (TiCDC's {@code BuildDDLEvents} and
 * DDL filter): only the action types TiCDC replicates (docs/schema-and-ddl.md#replicated-ddls),
 * only DDLs on schemas and tables the changefeed's filter matches (for a rename, the old or the new
 * name), with TiCDC's query rewrites for DROP TABLE / DROP VIEW
 * (docs/schema-and-ddl.md#ddl-events); a RenameTables job gives one RenameTable event per table and
 * EXCHANGE PARTITION a normalised query (TiCDC's {@code FromJobWithArgs},
 * docs/schema-lifecycle.md). DDLs the changefeed's event filters ignore ({@code ignore_event},
 * {@code ignore_sql}, {@code ignore_txn_start_ts}, docs/filters.md) give no event either; like
 * every job, they are still applied to the schema.
 */
public final class DdlEvents {
  /** {@code pkg/filter}'s replicated DDL types. */
  static final Set<Integer> REPLICATED = Set.of(ActionType.CREATE_SCHEMA, ActionType.DROP_SCHEMA,
      ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE, ActionType.CREATE_TABLE, ActionType.CREATE_TABLES,
      ActionType.DROP_TABLE, ActionType.TRUNCATE_TABLE, ActionType.RENAME_TABLE, ActionType.RENAME_TABLES,
      ActionType.RECOVER_TABLE, ActionType.MODIFY_TABLE_COMMENT, ActionType.MODIFY_TABLE_CHARSET_AND_COLLATE,
      ActionType.CREATE_VIEW, ActionType.DROP_VIEW, ActionType.ADD_TABLE_PARTITION, ActionType.DROP_TABLE_PARTITION,
      ActionType.TRUNCATE_TABLE_PARTITION, ActionType.EXCHANGE_TABLE_PARTITION, ActionType.REORGANIZE_PARTITION,
      ActionType.ALTER_TABLE_PARTITIONING, ActionType.REMOVE_PARTITIONING, ActionType.ADD_COLUMN,
      ActionType.DROP_COLUMN, ActionType.MODIFY_COLUMN, ActionType.SET_DEFAULT_VALUE, ActionType.REBASE_AUTO_ID,
      ActionType.ADD_PRIMARY_KEY, ActionType.DROP_PRIMARY_KEY, ActionType.ADD_INDEX, ActionType.DROP_INDEX,
      ActionType.RENAME_INDEX, ActionType.ALTER_INDEX_VISIBILITY, ActionType.ALTER_TTL_INFO,
      ActionType.ALTER_TTL_REMOVE, ActionType.MULTI_SCHEMA_CHANGE, ActionType.ADD_FOREIGN_KEY,
      ActionType.DROP_FOREIGN_KEY, ActionType.ADD_COLUMNS, ActionType.DROP_COLUMNS);

  private static final Set<Integer> SCHEMA_LEVEL = Set.of(ActionType.CREATE_SCHEMA, ActionType.DROP_SCHEMA,
      ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE);

  private final TableFilter filter;
  private final EventFilter events;

  public DdlEvents(TableFilter filter) {
    this(filter, EventFilter.none());
  }

  /** @param events {@code filter.event_filters} and {@code filter.ignore_txn_start_ts} */
  public DdlEvents(TableFilter filter, EventFilter events) {
    this.filter = filter;
    this.events = events;
  }

  /**
   * The sink events of {@code job}.
   *
   * @param before the schema just before the job ({@code finishedTs - 1})
   * @param after the schema the job produced
   */
  public List<Ddl> of(DdlJob job, SchemaSnapshot before, SchemaSnapshot after) {
    if (!REPLICATED.contains(job.type()) || job.binlog() == null) {
      return List.of();
    }
    long ts = job.binlog().finishedTs();
    if (SCHEMA_LEVEL.contains(job.type())) {
      String schema = job.binlog().dbInfo() != null ? job.binlog().dbInfo().name().o()
          : before.database(job.schemaId()).map(db -> db.name().o()).orElse(job.schemaName());
      if (TableFilter.isSystemSchema(schema) || !filter.matchSchema(schema)
          || events.ignoreDdl(job.startTs(), job.type(), schema, "", job.query())) {
        return List.of();
      }
      return List.of(event(job, ts, 0, schema, "", job.query()));
    }
    if (job.type() == ActionType.RENAME_TABLES) {
      return renameTables(job, before, ts);
    }
    Name pre = name(before, job.tableId()).orElse(null);
    TableInfo info = job.binlog().tableInfo();
    Name post = info == null ? null : name(after, info.id())
        .orElse(new Name(after.database(job.schemaId()).map(db -> db.name().o()).orElse(job.schemaName()), info.name().o()));
    Name shown = post != null ? post : pre != null ? pre : new Name(job.schemaName(), job.tableName());
    if (!matches(pre) && !matches(post) && !(pre == null && post == null && matches(shown))) {
      return List.of();
    }
    String query = job.query();
    if (job.type() == ActionType.DROP_TABLE) {
      query = "DROP TABLE " + quoted(shown);
    } else if (job.type() == ActionType.DROP_VIEW) {
      query = "DROP VIEW " + quoted(shown);
    } else if (job.type() == ActionType.EXCHANGE_TABLE_PARTITION && info != null && pre != null) {
      query = exchangeQuery(job.query(), name(before, info.id()).orElse(shown), pre);
    }
    // a rename is matched by its old name (TiCDC's PreTableInfo)
    boolean rename = job.type() == ActionType.RENAME_TABLE || job.type() == ActionType.RENAME_TABLES;
    Name matched = rename && pre != null ? pre : shown;
    if (events.ignoreDdl(job.startTs(), job.type(), matched.schema(), matched.table(), query)) {
      return List.of();
    }
    long tableId = info != null ? info.id() : job.tableId();
    return List.of(event(job, ts, tableId, shown.schema(), shown.table(), query));
  }

  /**
   * One {@code RENAME TABLE `old`.`a` TO `new`.`b`} event (type RenameTable) per table of the job, in
   * the job's order, for the tables whose old or new name the filter matches.
   */
  private List<Ddl> renameTables(DdlJob job, SchemaSnapshot before, long ts) {
    RenameTablesArgs args = RenameTablesArgs.of(job);
    List<Ddl> out = new ArrayList<>();
    List<TableInfo> infos = job.binlog().multipleTableInfos() == null ? List.of() : job.binlog().multipleTableInfos();
    for (TableInfo t : infos) {
      RenameTablesArgs.Entry arg = args.of(t.id()).orElse(null);
      Name pre = name(before, t.id()).orElse(null);
      String newSchema = arg == null ? null : before.database(arg.newSchemaId()).map(db -> db.name().o()).orElse(null);
      if (pre == null || newSchema == null) {
        continue; // not in the schema before: nothing of it was replicated
      }
      String oldSchema = arg.oldSchemaName() != null ? arg.oldSchemaName().o() : pre.schema();
      Name post = new Name(newSchema, t.name().o());
      if (!matches(pre) && !matches(post)) {
        continue;
      }
      String query = "RENAME TABLE " + quoted(new Name(oldSchema, pre.table())) + " TO " + quoted(post);
      if (!events.ignoreDdl(job.startTs(), ActionType.RENAME_TABLE, pre.schema(), pre.table(), query)) {
        out.add(Ddl.newBuilder().setTableId(t.id()).setStartTs(job.startTs()).setCommitTs(ts)
            .setActionType(ActionType.RENAME_TABLE).setSchemaName(post.schema()).setTableName(post.table())
            .setQuery(query).build());
      }
    }
    return out;
  }

  /**
   * TiCDC's normalised EXCHANGE PARTITION: the partition name is taken verbatim from between
   * {@code EXCHANGE PARTITION} and {@code WITH TABLE} of the original query.
   */
  static String exchangeQuery(String query, Name partitioned, Name normal) {
    String upper = query.toUpperCase(Locale.ROOT);
    int from = upper.indexOf("EXCHANGE PARTITION") + "EXCHANGE PARTITION".length();
    int to = upper.indexOf("WITH TABLE");
    String partition = from < "EXCHANGE PARTITION".length() || to < from ? "" : query.substring(from, to).trim();
    String out = "ALTER TABLE " + quoted(partitioned) + " EXCHANGE PARTITION `" + partition + "` WITH TABLE " + quoted(normal);
    return upper.endsWith("WITHOUT VALIDATION") ? out + " WITHOUT VALIDATION" : out;
  }

  private boolean matches(Name n) {
    return n != null && !TableFilter.isSystemSchema(n.schema()) && filter.match(n.schema(), n.table());
  }

  private static Optional<Name> name(SchemaSnapshot s, long tableId) {
    Optional<TableInfo> t = s.table(tableId);
    Optional<DBInfo> db = s.databaseOf(tableId);
    return t.isEmpty() || db.isEmpty() ? Optional.empty() : Optional.of(new Name(db.get().name().o(), t.get().name().o()));
  }

  private static String quoted(Name n) {
    return "`" + n.schema().replace("`", "``") + "`.`" + n.table().replace("`", "``") + "`";
  }

  private static Ddl event(DdlJob job, long commitTs, long tableId, String schema, String table, String query) {
    return Ddl.newBuilder().setTableId(tableId).setStartTs(job.startTs()).setCommitTs(commitTs)
        .setActionType(job.type()).setSchemaName(schema).setTableName(table).setQuery(query).build();
  }

  record Name(String schema, String table) {}
}
