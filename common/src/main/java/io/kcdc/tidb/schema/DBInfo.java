package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A database (schema) as stored under the meta hash {@code DBs}. */
public record DBInfo(
    @JsonProperty("id") long id,
    @JsonProperty("db_name") CIStr name,
    @JsonProperty("charset") String charset,
    @JsonProperty("collate") String collate,
    @JsonProperty("state") int state) {

  public static DBInfo of(long id, String name) {
    return new DBInfo(id, CIStr.of(name), "utf8mb4", "utf8mb4_bin", SchemaState.PUBLIC);
  }
}
