package io.kcdc.tidb.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a RenameTables job ({@code RENAME TABLE a TO b, c TO d}), one entry per table
 * in statement order, matching the job's {@code MultipleTableInfos} (docs/schema-lifecycle.md).
 * Job version 1 keeps them as six parallel arrays {@code [oldSchemaIDs, newSchemaIDs,
 * newTableNames, tableIDs, oldSchemaNames, oldTableNames]} (TiDB 8.1 and older drop the last one
 * from finished jobs); version 2 as {@code {"rename_table_infos": [...]}}.
 */
public record RenameTablesArgs(List<Entry> tables) {

  /** One renamed table; names may be null when the job does not carry them. */
  public record Entry(long oldSchemaId, long newSchemaId, long tableId, CIStr newTableName, CIStr oldSchemaName,
      CIStr oldTableName) {}

  public RenameTablesArgs {
    tables = List.copyOf(tables);
  }

  /** The job's arguments, or empty ones when it has none. */
  public static RenameTablesArgs of(DdlJob job) {
    JsonNode raw = job.rawArgs();
    List<Entry> out = new ArrayList<>();
    if (raw == null || raw.isNull() || raw.isMissingNode()) {
      return new RenameTablesArgs(out);
    }
    if (raw.isObject()) {
      for (JsonNode e : raw.path("rename_table_infos")) {
        out.add(new Entry(e.path("old_schema_id").asLong(), e.path("new_schema_id").asLong(),
            e.path("table_id").asLong(), name(e.path("new_table_name")), name(e.path("old_schema_name")),
            name(e.path("old_table_name"))));
      }
      return new RenameTablesArgs(out);
    }
    JsonNode tableIds = raw.path(3);
    for (int i = 0; i < tableIds.size(); i++) {
      out.add(new Entry(raw.path(0).path(i).asLong(), raw.path(1).path(i).asLong(), tableIds.path(i).asLong(),
          name(raw.path(2).path(i)), name(raw.path(4).path(i)), name(raw.path(5).path(i))));
    }
    return new RenameTablesArgs(out);
  }

  /** Version 1 raw args as TiDB writes them. */
  public ArrayNode toV1() {
    ArrayNode root = SchemaJson.mapper().createArrayNode();
    ArrayNode oldSchemaIds = root.addArray();
    ArrayNode newSchemaIds = root.addArray();
    ArrayNode newNames = root.addArray();
    ArrayNode tableIds = root.addArray();
    ArrayNode oldSchemaNames = root.addArray();
    ArrayNode oldTableNames = root.addArray();
    for (Entry e : tables) {
      oldSchemaIds.add(e.oldSchemaId());
      newSchemaIds.add(e.newSchemaId());
      newNames.add(SchemaJson.mapper().valueToTree(e.newTableName()));
      tableIds.add(e.tableId());
      oldSchemaNames.add(SchemaJson.mapper().valueToTree(e.oldSchemaName()));
      oldTableNames.add(SchemaJson.mapper().valueToTree(e.oldTableName()));
    }
    return root;
  }

  /** The entry of {@code tableId}, if the job renames it. */
  public java.util.Optional<Entry> of(long tableId) {
    return tables.stream().filter(e -> e.tableId() == tableId).findFirst();
  }

  private static CIStr name(JsonNode n) {
    return n.isObject() ? new CIStr(n.path("O").asText(), n.path("L").asText()) : null;
  }
}
