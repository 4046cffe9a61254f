package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kcdc.tidb.MysqlFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A table as stored under the meta hash {@code DB:<dbId>} field {@code Table:<id>}
 * ({@code meta/model.TableInfo}, TiDB's JSON names). {@code pkIsHandle}: a single integer primary
 * key is the row handle (not stored in the row value); {@code commonHandle}: a clustered non-int
 * primary key is the handle (its columns are stored in the value too). Use {@link #builder} to
 * create and {@link #toBuilder} to change one.
 */
public record TableInfo(
    @JsonProperty("id") long id,
    @JsonProperty("name") CIStr name,
    @JsonProperty("charset") String charset,
    @JsonProperty("collate") String collate,
    @JsonProperty("cols") List<ColumnInfo> columns,
    @JsonProperty("index_info") List<IndexInfo> indices,
    @JsonProperty("constraint_info") Object constraintInfo,
    @JsonProperty("fk_info") Object foreignKeyInfo,
    @JsonProperty("state") int state,
    @JsonProperty("pk_is_handle") boolean pkIsHandle,
    @JsonProperty("is_common_handle") boolean commonHandle,
    @JsonProperty("common_handle_version") int commonHandleVersion,
    @JsonProperty("comment") String comment,
    @JsonProperty("auto_inc_id") long autoIncId,
    @JsonProperty("auto_id_cache") long autoIdCache,
    @JsonProperty("auto_rand_id") long autoRandId,
    @JsonProperty("max_col_id") long maxColumnId,
    @JsonProperty("max_idx_id") long maxIndexId,
    @JsonProperty("max_fk_id") long maxForeignKeyId,
    @JsonProperty("max_cst_id") long maxConstraintId,
    @JsonProperty("update_timestamp") long updateTimestamp,
    @JsonProperty("ShardRowIDBits") long shardRowIdBits,
    @JsonProperty("max_shard_row_id_bits") long maxShardRowIdBits,
    @JsonProperty("auto_random_bits") long autoRandomBits,
    @JsonProperty("auto_random_range_bits") long autoRandomRangeBits,
    @JsonProperty("pre_split_regions") long preSplitRegions,
    @JsonProperty("partition") PartitionInfo partition,
    @JsonProperty("compression") String compression,
    @JsonProperty("view") Object view,
    @JsonProperty("sequence") Object sequence,
    @JsonProperty("Lock") Object lock,
    @JsonProperty("version") int version,
    @JsonProperty("tiflash_replica") Object tiflashReplica,
    @JsonProperty("is_columnar") boolean columnar,
    @JsonProperty("temp_table_type") int tempTableType,
    @JsonProperty("cache_table_status") int cacheTableStatus,
    @JsonProperty("policy_ref_info") Object policyRefInfo,
    @JsonProperty("stats_options") Object statsOptions,
    @JsonProperty("exchange_partition_info") Object exchangePartitionInfo,
    @JsonProperty("ttl_info") Object ttlInfo,
    @JsonProperty("revision") long revision) {

  /** Table info version TiDB writes today. */
  public static final int CURRENT_VERSION = 5;

  public TableInfo {
    columns = columns == null ? List.of() : List.copyOf(columns);
    indices = indices == null ? List.of() : List.copyOf(indices);
    comment = comment == null ? "" : comment;
    compression = compression == null ? "" : compression;
  }

  public static Builder builder(long id, String name) {
    return new Builder().id(id).name(CIStr.of(name));
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The column with this id, if any (any state, generated or not). */
  public Optional<ColumnInfo> columnById(long columnId) {
    for (ColumnInfo c : columns) { // a loop, not a stream: called for every column of every decoded row
      if (c.id() == columnId) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public Optional<ColumnInfo> columnByName(String columnName) {
    return columns.stream().filter(c -> c.name().l().equalsIgnoreCase(columnName)).findFirst();
  }

  /** Columns TiCDC replicates, in table order: virtual generated columns are left out. */
  public List<ColumnInfo> visibleColumns() {
    return columns.stream().filter(ColumnInfo::cdcVisible).toList();
  }

  /** The integer primary key column that is the row handle, if {@code pk_is_handle}. */
  public Optional<ColumnInfo> pkHandleColumn() {
    if (!pkIsHandle) {
      return Optional.empty();
    }
    return columns.stream().filter(c -> c.type().hasFlag(MysqlFlag.PRI_KEY)).findFirst();
  }

  public Optional<IndexInfo> primaryIndex() {
    return indices.stream().filter(IndexInfo::primary).findFirst();
  }

  /** The columns of a clustered (common handle) primary key in key order; empty otherwise. */
  public List<ColumnInfo> commonHandleColumns() {
    if (!commonHandle) {
      return List.of();
    }
    return primaryIndex().map(ix -> ix.columns().stream().map(ic -> columns.get(ic.offset())).toList())
        .orElse(List.of());
  }

  public boolean partitioned() {
    return partition != null && partition.enable();
  }

  /** Ids under which rows are keyed: one per partition, or the table id itself. */
  public List<Long> physicalTableIds() {
    if (!partitioned()) {
      return List.of(id);
    }
    return partition.definitions().stream().map(PartitionDefinition::id).toList();
  }

  public boolean isView() {
    return view != null;
  }

  public boolean isSequence() {
    return sequence != null;
  }

  /** Mutable builder so callers need not spell out TiDB's many table fields. */
  public static final class Builder {
    private long id;
    private CIStr name;
    private String charset = "utf8mb4";
    private String collate = "utf8mb4_bin";
    private List<ColumnInfo> columns = new ArrayList<>();
    private List<IndexInfo> indices = new ArrayList<>();
    private Object constraintInfo;
    private Object foreignKeyInfo;
    private int state = SchemaState.PUBLIC;
    private boolean pkIsHandle;
    private boolean commonHandle;
    private int commonHandleVersion;
    private String comment = "";
    private long autoIncId;
    private long autoIdCache;
    private long autoRandId;
    private long maxColumnId;
    private long maxIndexId;
    private long maxForeignKeyId;
    private long maxConstraintId;
    private long updateTimestamp;
    private long shardRowIdBits;
    private long maxShardRowIdBits;
    private long autoRandomBits;
    private long autoRandomRangeBits;
    private long preSplitRegions;
    private PartitionInfo partition;
    private String compression = "";
    private Object view;
    private Object sequence;
    private Object lock;
    private int version = CURRENT_VERSION;
    private Object tiflashReplica;
    private boolean columnar;
    private int tempTableType;
    private int cacheTableStatus;
    private Object policyRefInfo;
    private Object statsOptions;
    private Object exchangePartitionInfo;
    private Object ttlInfo;
    private long revision;

    private Builder() {}

    private Builder(TableInfo t) {
      id = t.id;
      name = t.name;
      charset = t.charset;
      collate = t.collate;
      columns = new ArrayList<>(t.columns);
      indices = new ArrayList<>(t.indices);
      constraintInfo = t.constraintInfo;
      foreignKeyInfo = t.foreignKeyInfo;
      state = t.state;
      pkIsHandle = t.pkIsHandle;
      commonHandle = t.commonHandle;
      commonHandleVersion = t.commonHandleVersion;
      comment = t.comment;
      autoIncId = t.autoIncId;
      autoIdCache = t.autoIdCache;
      autoRandId = t.autoRandId;
      maxColumnId = t.maxColumnId;
      maxIndexId = t.maxIndexId;
      maxForeignKeyId = t.maxForeignKeyId;
      maxConstraintId = t.maxConstraintId;
      updateTimestamp = t.updateTimestamp;
      shardRowIdBits = t.shardRowIdBits;
      maxShardRowIdBits = t.maxShardRowIdBits;
      autoRandomBits = t.autoRandomBits;
      autoRandomRangeBits = t.autoRandomRangeBits;
      preSplitRegions = t.preSplitRegions;
      partition = t.partition;
      compression = t.compression;
      view = t.view;
      sequence = t.sequence;
      lock = t.lock;
      version = t.version;
      tiflashReplica = t.tiflashReplica;
      columnar = t.columnar;
      tempTableType = t.tempTableType;
      cacheTableStatus = t.cacheTableStatus;
      policyRefInfo = t.policyRefInfo;
      statsOptions = t.statsOptions;
      exchangePartitionInfo = t.exchangePartitionInfo;
      ttlInfo = t.ttlInfo;
      revision = t.revision;
    }

    public Builder id(long v) { id = v; return this; }
    public Builder name(CIStr v) { name = v; return this; }
    public Builder charset(String cs, String coll) { charset = cs; collate = coll; return this; }
    /** Replaces the columns; {@code max_col_id} grows to cover them. */
    public Builder columns(List<ColumnInfo> v) {
      columns = new ArrayList<>(v);
      columns.forEach(c -> maxColumnId = Math.max(maxColumnId, c.id()));
      return this;
    }
    /** Replaces the indices; {@code max_idx_id} grows to cover them. */
    public Builder indices(List<IndexInfo> v) {
      indices = new ArrayList<>(v);
      indices.forEach(ix -> maxIndexId = Math.max(maxIndexId, ix.id()));
      return this;
    }
    public Builder state(int v) { state = v; return this; }
    public Builder pkIsHandle(boolean v) { pkIsHandle = v; return this; }
    /** Clustered non-int primary key; TiDB writes common_handle_version 1 for such tables. */
    public Builder commonHandle(boolean v) { commonHandle = v; commonHandleVersion = v ? 1 : 0; return this; }
    public Builder comment(String v) { comment = v; return this; }
    public Builder autoIncId(long v) { autoIncId = v; return this; }
    public Builder maxColumnId(long v) { maxColumnId = v; return this; }
    public Builder maxIndexId(long v) { maxIndexId = v; return this; }
    public Builder updateTimestamp(long v) { updateTimestamp = v; return this; }
    public Builder partition(PartitionInfo v) { partition = v; return this; }
    public Builder view(Object v) { view = v; return this; }
    public Builder sequence(Object v) { sequence = v; return this; }
    public Builder version(int v) { version = v; return this; }
    public Builder revision(long v) { revision = v; return this; }

    public TableInfo build() {
      return new TableInfo(id, name, charset, collate, columns, indices, constraintInfo,
          foreignKeyInfo, state, pkIsHandle, commonHandle, commonHandleVersion, comment, autoIncId,
          autoIdCache, autoRandId, maxColumnId, maxIndexId, maxForeignKeyId, maxConstraintId,
          updateTimestamp, shardRowIdBits, maxShardRowIdBits, autoRandomBits, autoRandomRangeBits,
          preSplitRegions, partition, compression, view, sequence, lock, version, tiflashReplica,
          columnar, tempTableType, cacheTableStatus, policyRefInfo, statsOptions,
          exchangePartitionInfo, ttlInfo, revision);
    }
  }
}
