package io.kcdc.upstream;

import io.kcdc.upstream.sql.OrphanLocks;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /faults/orphan-lock?db=D&table=T&handle=H&primary_committed=true|false[&primary_handle=P]}
 * on the admin endpoint: {@link OrphanLocks#write}; answers the orphan's start ts, keys (hex) and
 * the primary's commit ts (0 when not committed).
 */
final class OrphanLockFault {
  private OrphanLockFault() {}

  static Function<Map<String, String>, Object> of(OrphanLocks orphans) {
    return q -> {
      String primaryHandle = q.get("primary_handle");
      OrphanLocks.Orphan o = orphans.write(text(q, "db"), text(q, "table"), num(q, "handle"),
          primaryHandle == null ? null : num(q, "primary_handle"), bool(q, "primary_committed"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("start_ts", o.startTs());
      m.put("row_key", HexFormat.of().formatHex(o.rowKey()));
      m.put("primary_key", HexFormat.of().formatHex(o.primaryKey()));
      m.put("commit_ts", o.commitTs());
      return m;
    };
  }

  private static String text(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    return v;
  }

  private static long num(Map<String, String> q, String name) {
    String v = text(q, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter " + name + " is not a number: " + v);
    }
  }

  private static boolean bool(Map<String, String> q, String name) {
    String v = text(q, name);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("parameter " + name + " must be true or false: " + v);
    }
    return Boolean.parseBoolean(v);
  }
}
