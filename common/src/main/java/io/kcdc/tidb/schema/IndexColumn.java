package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One column of an index: {@code offset} is the column's offset in the table, length -1 = whole. */
public record IndexColumn(
    @JsonProperty("name") CIStr name,
    @JsonProperty("offset") int offset,
    @JsonProperty("length") int length) {

  public static IndexColumn of(ColumnInfo column) {
    return new IndexColumn(column.name(), column.offset(), FieldType.UNSPECIFIED_LENGTH);
  }
}
