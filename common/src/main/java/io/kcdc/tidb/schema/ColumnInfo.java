package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A table column ({@code meta/model.ColumnInfo}). {@code originDefault} is what rows written
 * before the column existed read as; for BIT columns the defaults are in the {@code *Bit} byte
 * fields. {@code dependences} maps referenced column names to empty objects (Go's set idiom).
 */
public record ColumnInfo(
    @JsonProperty("id") long id,
    @JsonProperty("name") CIStr name,
    @JsonProperty("offset") int offset,
    @JsonProperty("origin_default") Object originDefault,
    @JsonProperty("origin_default_bit") byte[] originDefaultBit,
    @JsonProperty("default") Object defaultValue,
    @JsonProperty("default_bit") byte[] defaultBit,
    @JsonProperty("default_is_expr") boolean defaultIsExpr,
    @JsonProperty("generated_expr_string") String generatedExprString,
    @JsonProperty("generated_stored") boolean generatedStored,
    @JsonProperty("dependences") Map<String, Object> dependences,
    @JsonProperty("type") FieldType type,
    @JsonProperty("state") int state,
    @JsonProperty("comment") String comment,
    @JsonProperty("hidden") boolean hidden,
    @JsonProperty("change_state_info") Object changeStateInfo,
    @JsonProperty("version") long version) {

  /** Column info version TiDB writes today. */
  public static final long CURRENT_VERSION = 2;

  public ColumnInfo {
    generatedExprString = generatedExprString == null ? "" : generatedExprString;
    comment = comment == null ? "" : comment;
  }

  /** A public, non-generated column without defaults. */
  public static ColumnInfo of(long id, String name, int offset, FieldType type) {
    return new ColumnInfo(id, CIStr.of(name), offset, null, null, null, null, false, "", false,
        null, type, SchemaState.PUBLIC, "", false, null, CURRENT_VERSION);
  }

  public ColumnInfo withOffset(int newOffset) {
    return new ColumnInfo(id, name, newOffset, originDefault, originDefaultBit, defaultValue,
        defaultBit, defaultIsExpr, generatedExprString, generatedStored, dependences, type, state,
        comment, hidden, changeStateInfo, version);
  }

  public ColumnInfo withType(FieldType newType) {
    return new ColumnInfo(id, name, offset, originDefault, originDefaultBit, defaultValue,
        defaultBit, defaultIsExpr, generatedExprString, generatedStored, dependences, newType, state,
        comment, hidden, changeStateInfo, version);
  }

  /** Sets both the origin default (for old rows) and the current default. */
  public ColumnInfo withDefault(Object value) {
    return new ColumnInfo(id, name, offset, value, originDefaultBit, value, defaultBit,
        defaultIsExpr, generatedExprString, generatedStored, dependences, type, state, comment,
        hidden, changeStateInfo, version);
  }

  public ColumnInfo withGenerated(String expr, boolean stored, Map<String, Object> deps) {
    return new ColumnInfo(id, name, offset, originDefault, originDefaultBit, defaultValue,
        defaultBit, defaultIsExpr, expr, stored, deps, type, state, comment, hidden, changeStateInfo, version);
  }

  public boolean generated() {
    return !generatedExprString.isEmpty();
  }

  /** TiCDC's {@code IsColCDCVisible}: virtual generated columns are not replicated. */
  public boolean cdcVisible() {
    return !generated() || generatedStored;
  }
}
