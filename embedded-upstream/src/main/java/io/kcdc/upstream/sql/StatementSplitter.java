package io.kcdc.upstream.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a multi-statement query at top-level semicolons, ignoring those inside quotes,
 * backquotes and comments. Empty statements are dropped.
 */
public final class StatementSplitter {
  private StatementSplitter() {}

  public static List<String> split(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int end = i + 1;
        while (end < n && sql.charAt(end) != c) {
          end += sql.charAt(end) == '\\' && c != '`' ? 2 : 1;
        }
        end = Math.min(end + 1, n);
        cur.append(sql, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        cur.append(sql, i, end);
        i = end;
      } else if ((c == '#') || (c == '-' && sql.startsWith("-- ", i))) {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        i = end;
      } else if (c == ';') {
        add(out, cur);
        i++;
      } else {
        cur.append(c);
        i++;
      }
    }
    add(out, cur);
    return out;
  }

  private static void add(List<String> out, StringBuilder cur) {
    String s = cur.toString().trim();
    if (!s.isEmpty()) {
      out.add(s);
    }
    cur.setLength(0);
  }
}
