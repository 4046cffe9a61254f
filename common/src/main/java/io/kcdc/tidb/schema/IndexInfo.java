package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** An index ({@code meta/model.IndexInfo}); {@code indexType} 1 = BTREE. */
public record IndexInfo(
    @JsonProperty("id") long id,
    @JsonProperty("idx_name") CIStr name,
    @JsonProperty("tbl_name") CIStr tableName,
    @JsonProperty("idx_cols") List<IndexColumn> columns,
    @JsonProperty("state") int state,
    @JsonProperty("backfill_state") int backfillState,
    @JsonProperty("comment") String comment,
    @JsonProperty("index_type") int indexType,
    @JsonProperty("is_unique") boolean unique,
    @JsonProperty("is_primary") boolean primary,
    @JsonProperty("is_invisible") boolean invisible,
    @JsonProperty("is_global") boolean global,
    @JsonProperty("mv_index") boolean mvIndex) {

  public static final int INDEX_TYPE_BTREE = 1;

  public IndexInfo {
    columns = columns == null ? List.of() : List.copyOf(columns);
    comment = comment == null ? "" : comment;
  }

  /** A public BTREE index; a primary index is also unique. */
  public static IndexInfo of(long id, String name, String tableName, List<IndexColumn> columns,
      boolean unique, boolean primary) {
    return new IndexInfo(id, CIStr.of(name), CIStr.of(tableName), columns, SchemaState.PUBLIC, 0,
        "", INDEX_TYPE_BTREE, unique || primary, primary, false, false, false);
  }
}
