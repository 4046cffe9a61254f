package io.kcdc.upstream.sql;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The system variables clients read on connect, with TiDB's values; sessions copy them and
 * {@code SET} changes the copy.
 */
final class SystemVariables {
  private SystemVariables() {}

  static Map<String, String> defaults(String version) {
    Map<String, String> v = new TreeMap<>();
    v.put("version", version);
    v.put("version_comment", "TiDB Server (Apache License 2.0) Community Edition, MySQL 8.0 compatible");
    v.put("version_compile_os", "linux");
    v.put("version_compile_machine", "x86_64");
    v.put("tidb_version", "Release Version: v8.5.0\nEdition: Community\nEmbedded: true");
    v.put("autocommit", "1");
    v.put("auto_increment_increment", "1");
    v.put("auto_increment_offset", "1");
    v.put("max_allowed_packet", "67108864");
    v.put("net_buffer_length", "16384");
    v.put("net_write_timeout", "60");
    v.put("wait_timeout", "28800");
    v.put("interactive_timeout", "28800");
    v.put("sql_mode", "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        + "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION");
    v.put("transaction_isolation", "REPEATABLE-READ");
    v.put("tx_isolation", "REPEATABLE-READ");
    v.put("transaction_read_only", "0");
    v.put("tx_read_only", "0");
    v.put("character_set_client", "utf8mb4");
    v.put("character_set_connection", "utf8mb4");
    v.put("character_set_results", "utf8mb4");
    v.put("character_set_server", "utf8mb4");
    v.put("character_set_database", "utf8mb4");
    v.put("collation_connection", "utf8mb4_bin");
    v.put("collation_server", "utf8mb4_bin");
    v.put("collation_database", "utf8mb4_bin");
    v.put("time_zone", "SYSTEM");
    v.put("system_time_zone", "UTC");
    v.put("lower_case_table_names", "2");
    v.put("init_connect", "");
    v.put("license", "Apache License 2.0");
    v.put("query_cache_size", "1048576");
    v.put("query_cache_type", "OFF");
    v.put("performance_schema", "0");
    v.put("have_ssl", "DISABLED");
    v.put("tidb_txn_mode", "pessimistic");
    v.put("innodb_lock_wait_timeout", "50");
    v.put("tidb_enable_clustered_index", "ON");
    v.put("tidb_row_format_version", "2");
    v.put("div_precision_increment", "4");
    v.put("sql_select_limit", "18446744073709551615");
    v.put("sql_auto_is_null", "0");
    v.put("session_track_schema", "0");
    v.put("session_track_system_variables", "");
    v.put("session_track_transaction_info", "OFF");
    v.put("warning_count", "0");
    v.put("error_count", "0");
    return v;
  }

  /** Strips {@code session.}/{@code global.}/{@code local.} and lower-cases. */
  static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String scope : new String[] {"session.", "global.", "local."}) {
      if (n.startsWith(scope)) {
        return n.substring(scope.length());
      }
    }
    return n;
  }
}
