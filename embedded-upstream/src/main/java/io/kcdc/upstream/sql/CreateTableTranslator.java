package io.kcdc.upstream.sql;

import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.Index;

/**
 * Builds the TableInfo TiDB would store for a CREATE TABLE: column ids and offsets, field types
 * and flags ({@code setColumnFlagWithConstraint}, {@code setNoDefaultValueFlag}), indices, and
 * the handle choice: a single integer primary key is the handle ({@code pk_is_handle}), any other
 * clustered primary key is a common handle, no (or a NONCLUSTERED) key means {@code _tidb_rowid}.
 */
public final class CreateTableTranslator {
  private CreateTableTranslator() {}

  /**
   * @param nonClustered the statement said {@code NONCLUSTERED} for its primary key
   * @param updateTs the DDL's start ts ({@code update_timestamp})
   */
  public static TableInfo translate(CreateTable ct, long tableId, boolean nonClustered, long updateTs) {
    String tableName = Identifiers.unquote(ct.getTable().getName());
    List<ColumnDefinition> defs = ct.getColumnDefinitions();
    if (defs == null || defs.isEmpty()) {
      throw SqlException.parse("a table must have at least one column");
    }
    Map<String, ColumnInfo> columns = new LinkedHashMap<>();
    List<String> pk = new ArrayList<>();
    boolean inlinePk = false;
    List<KeyDef> keys = new ArrayList<>();
    long colId = 0;
    for (ColumnDefinition cd : defs) {
      String name = Identifiers.unquote(cd.getColumnName());
      String lower = name.toLowerCase(Locale.ROOT);
      if (columns.containsKey(lower)) {
        throw new SqlException(1060, "42S21", "Duplicate column name '" + name + "'");
      }
      ColumnSpec spec = ColumnSpec.parse(cd.getColumnSpecs());
      ColumnInfo col = column(cd, spec, ++colId, columns.size());
      if (spec.primaryKey()) {
        pk.add(lower);
        inlinePk = true;
      }
      columns.put(lower, col);
      if (spec.unique()) {
        keys.add(new KeyDef(name, List.of(lower), true));
      }
    }
    if (ct.getIndexes() != null) {
      for (Index ix : ct.getIndexes()) {
        String type = ix.getType().toUpperCase(Locale.ROOT);
        List<String> cols = ix.getColumnsNames().stream()
            .map(c -> Identifiers.unquote(c).toLowerCase(Locale.ROOT)).toList();
        for (String c : cols) {
          if (!columns.containsKey(c)) {
            throw new SqlException(1072, "42000", "Key column '" + c + "' doesn't exist in table");
          }
        }
        if (type.contains("PRIMARY")) {
          if (!pk.isEmpty()) {
            throw new SqlException(1068, "42000", "Multiple primary key defined");
          }
          pk.addAll(cols);
        } else if (type.contains("FOREIGN")) {
          continue;
        } else {
          String name = ix.getName() == null ? null : Identifiers.unquote(ix.getName());
          keys.add(new KeyDef(name, cols, type.contains("UNIQUE")));
        }
      }
    }

    List<IndexInfo> indices = new ArrayList<>();
    boolean pkIsHandle = false;
    boolean commonHandle = false;
    long indexId = 0;
    if (!pk.isEmpty()) {
      for (String c : pk) {
        ColumnInfo col = columns.get(c);
        int f = col.type().flag() | MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL;
        if (!inlinePk && col.type().hasFlag(MysqlFlag.NO_DEFAULT_VALUE)) {
          f &= ~MysqlFlag.NO_DEFAULT_VALUE;
        }
        columns.put(c, col.withType(col.type().withFlag(f)));
      }
      ColumnInfo first = columns.get(pk.get(0));
      pkIsHandle = !nonClustered && pk.size() == 1 && MysqlType.isInteger(first.type().tp());
      commonHandle = !nonClustered && !pkIsHandle;
      if (!pkIsHandle) {
        indices.add(IndexInfo.of(++indexId, "PRIMARY", tableName,
            pk.stream().map(c -> IndexColumn.of(columns.get(c))).toList(), true, true));
      }
    }
    Set<String> usedNames = new HashSet<>();
    for (KeyDef k : keys) {
      String name = k.name() != null ? k.name() : uniqueName(columns.get(k.columns().get(0)).name().o(), usedNames);
      usedNames.add(name.toLowerCase(Locale.ROOT));
      indices.add(IndexInfo.of(++indexId, name, tableName,
          k.columns().stream().map(c -> IndexColumn.of(columns.get(c))).toList(), k.unique(), false));
      ColumnInfo firstCol = columns.get(k.columns().get(0));
      int bit = k.unique() && k.columns().size() == 1 ? MysqlFlag.UNIQUE_KEY : MysqlFlag.MULTIPLE_KEY;
      if (!firstCol.type().hasFlag(MysqlFlag.PRI_KEY)) {
        columns.put(k.columns().get(0), firstCol.withType(firstCol.type().withFlag(firstCol.type().flag() | bit)));
      }
    }
    return TableInfo.builder(tableId, tableName)
        .columns(new ArrayList<>(columns.values()))
        .indices(indices)
        .pkIsHandle(pkIsHandle)
        .commonHandle(commonHandle)
        .updateTimestamp(updateTs)
        .build();
  }

  /** One column definition as TiDB stores it ({@code columnDefToCol}). */
  static ColumnInfo column(ColumnDefinition cd, ColumnSpec spec, long id, int offset) {
    String name = Identifiers.unquote(cd.getColumnName());
    FieldType ft = ColumnTypes.parse(cd.getColDataType().getDataType(),
        cd.getColDataType().getArgumentsStringList(), spec.typeWords());
    if (cd.getColDataType().getCharacterSet() != null || spec.collate() != null) {
      String cs = cd.getColDataType().getCharacterSet() != null
          ? cd.getColDataType().getCharacterSet().toLowerCase(Locale.ROOT) : "utf8mb4";
      String coll = spec.collate() != null ? spec.collate().toLowerCase(Locale.ROOT) : cs + "_bin";
      if (!ft.binaryCharset()) {
        ft = ft.withCharset(cs, coll);
      }
    }
    int flag = ft.flag();
    if (spec.notNull()) {
      flag |= MysqlFlag.NOT_NULL;
    }
    if (spec.autoIncrement()) {
      flag |= MysqlFlag.AUTO_INCREMENT;
    }
    if (spec.primaryKey()) {
      flag |= MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL;
    }
    if (spec.onUpdateNow()) {
      flag |= MysqlFlag.ON_UPDATE_NOW;
    }
    boolean hasDefault = spec.defaultValue() != null || spec.defaultNull();
    if (!hasDefault && (flag & MysqlFlag.NOT_NULL) != 0
        && (flag & MysqlFlag.AUTO_INCREMENT) == 0 && ft.tp() != MysqlType.TYPE_TIMESTAMP) {
      flag |= MysqlFlag.NO_DEFAULT_VALUE;
    }
    ft = ft.withFlag(flag);
    ColumnInfo col = ColumnInfo.of(id, name, offset, ft);
    if (spec.defaultValue() != null) {
      col = col.withDefault(defaultText(spec.defaultValue(), col));
    }
    return col;
  }

  private static String uniqueName(String base, Set<String> used) {
    String name = base;
    for (int i = 2; used.contains(name.toLowerCase(Locale.ROOT)); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  /** TiDB stores defaults as text in the column's own format. */
  private static Object defaultText(String token, ColumnInfo col) {
    String upper = token.toUpperCase(Locale.ROOT);
    if (upper.startsWith("CURRENT_TIMESTAMP") || upper.startsWith("NOW")) {
      return "CURRENT_TIMESTAMP";
    }
    Object v = token.startsWith("'") || token.startsWith("\"")
        ? ExpressionEvaluator.unescape(token.substring(1, token.length() - 1))
        : SqlValues.toNumber(token);
    Object mounted = ColumnValues.toMounted(v, col, 1);
    return ColumnValues.toText(mounted, col.type());
  }

  private record KeyDef(String name, List<String> columns, boolean unique) {}

  /** Column options from JSqlParser's token list. */
  record ColumnSpec(
      boolean notNull,
      boolean defaultNull,
      String defaultValue,
      boolean autoIncrement,
      boolean primaryKey,
      boolean unique,
      boolean onUpdateNow,
      String collate,
      List<String> typeWords) {

    static ColumnSpec parse(List<String> tokens) {
      boolean notNull = false;
      boolean defaultNull = false;
      String defaultValue = null;
      boolean autoIncrement = false;
      boolean primaryKey = false;
      boolean unique = false;
      boolean onUpdateNow = false;
      String collate = null;
      List<String> typeWords = new ArrayList<>();
      List<String> t = tokens == null ? List.of() : tokens;
      for (int i = 0; i < t.size(); i++) {
        String w = t.get(i).toUpperCase(Locale.ROOT);
        switch (w) {
          case "NOT" -> {
            if (i + 1 < t.size() && t.get(i + 1).equalsIgnoreCase("NULL")) {
              notNull = true;
              i++;
            }
          }
          case "NULL" -> notNull = false;
          case "DEFAULT" -> {
            String v = t.get(++i);
            if (v.equals("-") || v.equals("+")) {
              v = v + t.get(++i);
            }
            if (v.equalsIgnoreCase("NULL")) {
              defaultNull = true;
            } else {
              defaultValue = v;
            }
            if (i + 1 < t.size() && t.get(i + 1).startsWith("(")) {
              i++;
            }
          }
          case "AUTO_INCREMENT" -> autoIncrement = true;
          case "PRIMARY" -> {
            primaryKey = true;
            if (i + 1 < t.size() && t.get(i + 1).equalsIgnoreCase("KEY")) {
              i++;
            }
          }
          case "KEY" -> primaryKey = true;
          case "UNIQUE" -> {
            unique = true;
            if (i + 1 < t.size() && t.get(i + 1).equalsIgnoreCase("KEY")) {
              i++;
            }
          }
          case "ON" -> {
            onUpdateNow = true;
            i += 2;
            if (i + 1 < t.size() && t.get(i + 1).startsWith("(")) {
              i++;
            }
          }
          case "COLLATE" -> collate = t.get(++i);
          case "COMMENT" -> i++;
          case "UNSIGNED", "SIGNED", "ZEROFILL", "BINARY" -> typeWords.add(w);
          default -> { }
        }
      }
      return new ColumnSpec(notNull, defaultNull, defaultValue, autoIncrement, primaryKey, unique,
          onUpdateNow, collate, typeWords);
    }
  }
}
