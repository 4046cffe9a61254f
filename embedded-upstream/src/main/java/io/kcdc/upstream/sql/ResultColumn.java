package io.kcdc.upstream.sql;

/**
 * A result set column as the MySQL protocol describes it (column definition 41).
 *
 * @param mysqlType the MySQL type byte (e.g. 3 = LONG, 15 = VARCHAR)
 * @param flags MySQL column flags (NOT_NULL=1, PRI_KEY=2, UNSIGNED=32, BINARY=128 ...)
 * @param charset collation id: 46 = utf8mb4_bin for text, 63 = binary otherwise
 */
public record ResultColumn(
    String schema,
    String table,
    String name,
    int mysqlType,
    int flags,
    long length,
    int decimals,
    int charset) {

  public static final int UTF8MB4_BIN = 46;
  public static final int BINARY = 63;

  /** A VARCHAR column not backed by a table (e.g. {@code SELECT @@version}). */
  public static ResultColumn text(String name) {
    return new ResultColumn("", "", name, 0xfd, 0, 1024, 31, UTF8MB4_BIN);
  }

  /** A BIGINT column not backed by a table (e.g. {@code SELECT COUNT(*)}). */
  public static ResultColumn bigint(String name) {
    return new ResultColumn("", "", name, 0x08, 0, 21, 0, BINARY);
  }
}
