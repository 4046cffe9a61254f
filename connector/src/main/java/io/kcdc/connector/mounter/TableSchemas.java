package io.kcdc.connector.mounter;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.IndexDef;
import io.kcdc.avro.TableSchema;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds the internal topic's {@link TableSchema} record from a TiDB {@link TableInfo}. */
public final class TableSchemas {
  private TableSchemas() {}

  /** CDC-visible columns with TiCDC's flags, and the table's indexes. */
  public static TableSchema of(long tableId, String schemaName, TableInfo table, long schemaVersion) {
    List<ColumnInfo> visible = table.visibleColumns();
    int[] flags = ColumnFlag.compute(table);
    List<ColumnDef> columns = new ArrayList<>(visible.size());
    for (int i = 0; i < visible.size(); i++) {
      ColumnInfo c = visible.get(i);
      FieldType ft = c.type();
      columns.add(ColumnDef.newBuilder()
          .setId(c.id())
          .setName(c.name().o())
          .setType(ft.tp())
          .setFlag(flags[i])
          .setMysqlFlag(ft.flag())
          .setFlen(ft.flen())
          .setDecimal(ft.decimal())
          .setCharset(nullToEmpty(ft.charset()))
          .setCollation(nullToEmpty(ft.collate()))
          .setElems(ft.elems() == null ? List.of() : List.copyOf(ft.elems()))
          .setDefaultValue(defaultOf(c))
          .build());
    }
    List<IndexDef> indexes = new ArrayList<>();
    for (IndexInfo ix : table.indices()) {
      indexes.add(IndexDef.newBuilder()
          .setId(ix.id())
          .setName(ix.name().o())
          .setPrimary(ix.primary())
          .setUnique(ix.unique())
          .setColumns(ix.columns().stream().map(IndexColumn::name).map(n -> n.o()).toList())
          .build());
    }
    return TableSchema.newBuilder()
        .setTableId(tableId)
        .setSchemaVersion(schemaVersion)
        .setSchemaName(schemaName)
        .setTableName(table.name().o())
        .setIsPartition(table.partitioned())
        .setColumns(columns)
        .setIndexes(indexes)
        .build();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** The origin default as TiDB stores it; BIT defaults live in {@code origin_default_bit}. */
  static String defaultOf(ColumnInfo c) {
    if (c.originDefaultBit() != null && c.originDefaultBit().length > 0) {
      return new String(c.originDefaultBit(), StandardCharsets.ISO_8859_1);
    }
    return c.originDefault() == null ? null : c.originDefault().toString();
  }
}
