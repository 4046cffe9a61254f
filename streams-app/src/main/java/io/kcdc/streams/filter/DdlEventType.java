package io.kcdc.streams.filter;

import io.kcdc.tidb.schema.ActionType;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ignore_event} name of each replicated DDL type (tiflow {@code pkg/filter}'s {@code ddlWhiteListMap}, in
 * binlog-filter's names) and which of them are also {@code alter table} ({@code alterTableSubType}).
 */
public final class DdlEventType {
  private DdlEventType() {}

  private static final Map<Integer, String> NAMES = new HashMap<>();

  static {
    NAMES.put(ActionType.CREATE_SCHEMA, "create database");
    NAMES.put(ActionType.DROP_SCHEMA, "drop database");
    NAMES.put(ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE, "modify schema charset and collate");
    NAMES.put(ActionType.CREATE_TABLE, "create table");
    NAMES.put(ActionType.CREATE_TABLES, "create table");
    NAMES.put(ActionType.DROP_TABLE, "drop table");
    NAMES.put(ActionType.TRUNCATE_TABLE, "truncate table");
    NAMES.put(ActionType.RENAME_TABLE, "rename table");
    NAMES.put(ActionType.RENAME_TABLES, "rename table");
    NAMES.put(ActionType.RECOVER_TABLE, "recover table");
    NAMES.put(ActionType.MODIFY_TABLE_COMMENT, "modify table comment");
    NAMES.put(ActionType.MODIFY_TABLE_CHARSET_AND_COLLATE, "modify table charset and collate");
    NAMES.put(ActionType.CREATE_VIEW, "create view");
    NAMES.put(ActionType.DROP_VIEW, "drop view");
    NAMES.put(ActionType.ADD_TABLE_PARTITION, "add table partition");
    NAMES.put(ActionType.DROP_TABLE_PARTITION, "drop table partition");
    NAMES.put(ActionType.TRUNCATE_TABLE_PARTITION, "truncate table partition");
    NAMES.put(ActionType.EXCHANGE_TABLE_PARTITION, "exchange table partition");
    NAMES.put(ActionType.REORGANIZE_PARTITION, "reorganize table partition");
    NAMES.put(ActionType.ALTER_TABLE_PARTITIONING, "alter table partitioning");
    NAMES.put(ActionType.REMOVE_PARTITIONING, "remove table partitioning");
    NAMES.put(ActionType.ADD_COLUMN, "add column");
    NAMES.put(ActionType.ADD_COLUMNS, "add column");
    NAMES.put(ActionType.DROP_COLUMN, "drop column");
    NAMES.put(ActionType.DROP_COLUMNS, "drop column");
    NAMES.put(ActionType.MODIFY_COLUMN, "modify column");
    NAMES.put(ActionType.SET_DEFAULT_VALUE, "set default value");
    NAMES.put(ActionType.REBASE_AUTO_ID, "rebase auto id");
    NAMES.put(ActionType.ADD_PRIMARY_KEY, "add primary key");
    NAMES.put(ActionType.DROP_PRIMARY_KEY, "drop primary key");
    NAMES.put(ActionType.ADD_INDEX, "create index");
    NAMES.put(ActionType.DROP_INDEX, "drop index");
    NAMES.put(ActionType.RENAME_INDEX, "rename index");
    NAMES.put(ActionType.ALTER_INDEX_VISIBILITY, "alter index visibility");
    NAMES.put(ActionType.ALTER_TTL_INFO, "alter ttl info");
    NAMES.put(ActionType.ALTER_TTL_REMOVE, "alter ttl remove");
    NAMES.put(ActionType.MULTI_SCHEMA_CHANGE, "multi schema change");
    NAMES.put(ActionType.ADD_FOREIGN_KEY, "add foreign key");
    NAMES.put(ActionType.DROP_FOREIGN_KEY, "drop foreign key");
  }

  private static final Set<Integer> ALTER_TABLE = Set.of(ActionType.RENAME_TABLE, ActionType.RENAME_TABLES,
      ActionType.MODIFY_TABLE_COMMENT, ActionType.MODIFY_TABLE_CHARSET_AND_COLLATE, ActionType.ADD_TABLE_PARTITION,
      ActionType.DROP_TABLE_PARTITION, ActionType.TRUNCATE_TABLE_PARTITION, ActionType.EXCHANGE_TABLE_PARTITION,
      ActionType.REORGANIZE_PARTITION, ActionType.ALTER_TABLE_PARTITIONING, ActionType.REMOVE_PARTITIONING,
      ActionType.ADD_COLUMN, ActionType.DROP_COLUMN, ActionType.MODIFY_COLUMN, ActionType.SET_DEFAULT_VALUE,
      ActionType.REBASE_AUTO_ID, ActionType.ADD_PRIMARY_KEY, ActionType.DROP_PRIMARY_KEY, ActionType.ADD_INDEX,
      ActionType.DROP_INDEX, ActionType.RENAME_INDEX, ActionType.ALTER_INDEX_VISIBILITY, ActionType.ALTER_TTL_INFO,
      ActionType.ALTER_TTL_REMOVE, ActionType.MULTI_SCHEMA_CHANGE, ActionType.ADD_COLUMNS, ActionType.DROP_COLUMNS);

  /** The event name of a TiDB action type, or null for a type TiCDC does not replicate. */
  public static String of(int actionType) {
    return NAMES.get(actionType);
  }

  /** Whether {@code ignore_event: ["alter table"]} also covers the action type. */
  public static boolean isAlterTable(int actionType) {
    return ALTER_TABLE.contains(actionType);
  }
}
