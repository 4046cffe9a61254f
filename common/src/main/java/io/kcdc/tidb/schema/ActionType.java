package io.kcdc.tidb.schema;

import java.util.Map;

/** TiDB's DDL {@code ActionType} codes (the job's {@code type}). */
public final class ActionType {
  public static final int NONE = 0;
  public static final int CREATE_SCHEMA = 1;
  public static final int DROP_SCHEMA = 2;
  public static final int CREATE_TABLE = 3;
  public static final int DROP_TABLE = 4;
  public static final int ADD_COLUMN = 5;
  public static final int DROP_COLUMN = 6;
  public static final int ADD_INDEX = 7;
  public static final int DROP_INDEX = 8;
  public static final int ADD_FOREIGN_KEY = 9;
  public static final int DROP_FOREIGN_KEY = 10;
  public static final int TRUNCATE_TABLE = 11;
  public static final int MODIFY_COLUMN = 12;
  public static final int REBASE_AUTO_ID = 13;
  public static final int RENAME_TABLE = 14;
  public static final int SET_DEFAULT_VALUE = 15;
  public static final int SHARD_ROW_I_D = 16;
  public static final int MODIFY_TABLE_COMMENT = 17;
  public static final int RENAME_INDEX = 18;
  public static final int ADD_TABLE_PARTITION = 19;
  public static final int DROP_TABLE_PARTITION = 20;
  public static final int CREATE_VIEW = 21;
  public static final int MODIFY_TABLE_CHARSET_AND_COLLATE = 22;
  public static final int TRUNCATE_TABLE_PARTITION = 23;
  public static final int DROP_VIEW = 24;
  public static final int RECOVER_TABLE = 25;
  public static final int MODIFY_SCHEMA_CHARSET_AND_COLLATE = 26;
  public static final int LOCK_TABLE = 27;
  public static final int UNLOCK_TABLE = 28;
  public static final int REPAIR_TABLE = 29;
  public static final int SET_TIFLASH_REPLICA = 30;
  public static final int UPDATE_TIFLASH_REPLICA_STATUS = 31;
  public static final int ADD_PRIMARY_KEY = 32;
  public static final int DROP_PRIMARY_KEY = 33;
  public static final int CREATE_SEQUENCE = 34;
  public static final int ALTER_SEQUENCE = 35;
  public static final int DROP_SEQUENCE = 36;
  public static final int ADD_COLUMNS = 37;
  public static final int DROP_COLUMNS = 38;
  public static final int MODIFY_TABLE_AUTO_ID_CACHE = 39;
  public static final int REBASE_AUTO_RANDOM_BASE = 40;
  public static final int ALTER_INDEX_VISIBILITY = 41;
  public static final int EXCHANGE_TABLE_PARTITION = 42;
  public static final int ADD_CHECK_CONSTRAINT = 43;
  public static final int DROP_CHECK_CONSTRAINT = 44;
  public static final int ALTER_CHECK_CONSTRAINT = 45;
  public static final int RENAME_TABLES = 47;
  public static final int ALTER_TABLE_ATTRIBUTES = 49;
  public static final int ALTER_TABLE_PARTITION_ATTRIBUTES = 50;
  public static final int CREATE_PLACEMENT_POLICY = 51;
  public static final int ALTER_PLACEMENT_POLICY = 52;
  public static final int DROP_PLACEMENT_POLICY = 53;
  public static final int ALTER_TABLE_PARTITION_PLACEMENT = 54;
  public static final int MODIFY_SCHEMA_DEFAULT_PLACEMENT = 55;
  public static final int ALTER_TABLE_PLACEMENT = 56;
  public static final int ALTER_CACHE_TABLE = 57;
  public static final int ALTER_TABLE_STATS_OPTIONS = 58;
  public static final int ALTER_NO_CACHE_TABLE = 59;
  public static final int CREATE_TABLES = 60;
  public static final int MULTI_SCHEMA_CHANGE = 61;
  public static final int FLASHBACK_CLUSTER = 62;
  public static final int RECOVER_SCHEMA = 63;
  public static final int REORGANIZE_PARTITION = 64;
  public static final int ALTER_TTL_INFO = 65;
  public static final int ALTER_TTL_REMOVE = 67;
  public static final int CREATE_RESOURCE_GROUP = 68;
  public static final int ALTER_RESOURCE_GROUP = 69;
  public static final int DROP_RESOURCE_GROUP = 70;
  public static final int ALTER_TABLE_PARTITIONING = 71;
  public static final int REMOVE_PARTITIONING = 72;
  public static final int ADD_COLUMNAR_INDEX = 73;
  public static final int MODIFY_ENGINE_ATTRIBUTE = 74;
  public static final int ALTER_TABLE_MODE = 75;
  public static final int REFRESH_META = 76;
  public static final int MODIFY_SCHEMA_READ_ONLY = 77;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(0, "None"),
      Map.entry(1, "CreateSchema"),
      Map.entry(2, "DropSchema"),
      Map.entry(3, "CreateTable"),
      Map.entry(4, "DropTable"),
      Map.entry(5, "AddColumn"),
      Map.entry(6, "DropColumn"),
      Map.entry(7, "AddIndex"),
      Map.entry(8, "DropIndex"),
      Map.entry(9, "AddForeignKey"),
      Map.entry(10, "DropForeignKey"),
      Map.entry(11, "TruncateTable"),
      Map.entry(12, "ModifyColumn"),
      Map.entry(13, "RebaseAutoID"),
      Map.entry(14, "RenameTable"),
      Map.entry(15, "SetDefaultValue"),
      Map.entry(16, "ShardRowID"),
      Map.entry(17, "ModifyTableComment"),
      Map.entry(18, "RenameIndex"),
      Map.entry(19, "AddTablePartition"),
      Map.entry(20, "DropTablePartition"),
      Map.entry(21, "CreateView"),
      Map.entry(22, "ModifyTableCharsetAndCollate"),
      Map.entry(23, "TruncateTablePartition"),
      Map.entry(24, "DropView"),
      Map.entry(25, "RecoverTable"),
      Map.entry(26, "ModifySchemaCharsetAndCollate"),
      Map.entry(27, "LockTable"),
      Map.entry(28, "UnlockTable"),
      Map.entry(29, "RepairTable"),
      Map.entry(30, "SetTiFlashReplica"),
      Map.entry(31, "UpdateTiFlashReplicaStatus"),
      Map.entry(32, "AddPrimaryKey"),
      Map.entry(33, "DropPrimaryKey"),
      Map.entry(34, "CreateSequence"),
      Map.entry(35, "AlterSequence"),
      Map.entry(36, "DropSequence"),
      Map.entry(37, "AddColumns"),
      Map.entry(38, "DropColumns"),
      Map.entry(39, "ModifyTableAutoIDCache"),
      Map.entry(40, "RebaseAutoRandomBase"),
      Map.entry(41, "AlterIndexVisibility"),
      Map.entry(42, "ExchangeTablePartition"),
      Map.entry(43, "AddCheckConstraint"),
      Map.entry(44, "DropCheckConstraint"),
      Map.entry(45, "AlterCheckConstraint"),
      Map.entry(47, "RenameTables"),
      Map.entry(49, "AlterTableAttributes"),
      Map.entry(50, "AlterTablePartitionAttributes"),
      Map.entry(51, "CreatePlacementPolicy"),
      Map.entry(52, "AlterPlacementPolicy"),
      Map.entry(53, "DropPlacementPolicy"),
      Map.entry(54, "AlterTablePartitionPlacement"),
      Map.entry(55, "ModifySchemaDefaultPlacement"),
      Map.entry(56, "AlterTablePlacement"),
      Map.entry(57, "AlterCacheTable"),
      Map.entry(58, "AlterTableStatsOptions"),
      Map.entry(59, "AlterNoCacheTable"),
      Map.entry(60, "CreateTables"),
      Map.entry(61, "MultiSchemaChange"),
      Map.entry(62, "FlashbackCluster"),
      Map.entry(63, "RecoverSchema"),
      Map.entry(64, "ReorganizePartition"),
      Map.entry(65, "AlterTTLInfo"),
      Map.entry(67, "AlterTTLRemove"),
      Map.entry(68, "CreateResourceGroup"),
      Map.entry(69, "AlterResourceGroup"),
      Map.entry(70, "DropResourceGroup"),
      Map.entry(71, "AlterTablePartitioning"),
      Map.entry(72, "RemovePartitioning"),
      Map.entry(73, "AddColumnarIndex"),
      Map.entry(74, "ModifyEngineAttribute"),
      Map.entry(75, "AlterTableMode"),
      Map.entry(76, "RefreshMeta"),
      Map.entry(77, "ModifySchemaReadOnly"));

  private ActionType() {}

  /** TiDB's Go name of the action (e.g. {@code CreateTable}), or {@code Unknown(n)}. */
  public static String name(int type) {
    return NAMES.getOrDefault(type, "Unknown(" + type + ")");
  }
}
