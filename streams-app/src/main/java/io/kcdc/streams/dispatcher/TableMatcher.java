package io.kcdc.streams.dispatcher;

import io.kcdc.streams.sink.SinkConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A dispatcher rule's {@code matcher}: TiDB table-filter rules ({@code schema.table} with {@code * ? [a-z] [!a-z]},
 * {@code /regex/}, quoting with backquote or double quote, {@code \} escapes, {@code !} exclusion; the last
 * matching rule decides), case-insensitive unless {@code case_sensitive}.
 * TODO(common): delegate to io.kcdc.common.TableFilter once it is published, so there is one filter syntax.
 */
public final class TableMatcher {
  private record Rule(boolean exclude, Pattern schema, Pattern table) {}

  private final List<Rule> rules;
  private final boolean caseSensitive;

  private TableMatcher(List<Rule> rules, boolean caseSensitive) {
    this.rules = rules;
    this.caseSensitive = caseSensitive;
  }

  public static TableMatcher parse(List<String> rules, boolean caseSensitive) {
    List<Rule> parsed = new ArrayList<>();
    for (String raw : rules) {
      String r = raw.trim();
      if (r.isEmpty() || r.startsWith("#")) {
        continue;
      }
      boolean exclude = r.startsWith("!");
      if (exclude) {
        r = r.substring(1);
      }
      int[] pos = {0};
      Pattern schema = pattern(r, pos, caseSensitive, raw);
      if (pos[0] >= r.length() || r.charAt(pos[0]) != '.') {
        throw invalid(raw);
      }
      pos[0]++;
      Pattern table = pattern(r, pos, caseSensitive, raw);
      if (pos[0] != r.length()) {
        throw invalid(raw);
      }
      parsed.add(new Rule(exclude, schema, table));
    }
    return new TableMatcher(List.copyOf(parsed), caseSensitive);
  }

  public boolean matches(String schema, String table) {
    String s = caseSensitive ? schema : schema.toLowerCase(Locale.ROOT);
    String t = caseSensitive ? table : table.toLowerCase(Locale.ROOT);
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if (r.schema.matcher(s).matches() && r.table.matcher(t).matches()) {
        return !r.exclude;
      }
    }
    return false;
  }

  /** Reads one name pattern starting at {@code pos[0]} and stops before an unquoted '.' or the end. */
  private static Pattern pattern(String r, int[] pos, boolean caseSensitive, String raw) {
    int i = pos[0];
    if (i < r.length() && r.charAt(i) == '/') {
      int end = r.indexOf('/', i + 1);
      if (end < 0) {
        throw invalid(raw);
      }
      pos[0] = end + 1;
      String re = r.substring(i + 1, end);
      // Go's table filter uses an unanchored regexp search
      return Pattern.compile(".*(?:" + re + ").*", caseSensitive ? 0 : Pattern.CASE_INSENSITIVE);
    }
    StringBuilder re = new StringBuilder();
    int start = i;
    while (i < r.length() && r.charAt(i) != '.') {
      char c = r.charAt(i);
      if (c == '`' || c == '"') {
        int end = r.indexOf(c, i + 1);
        if (end < 0) {
          throw invalid(raw);
        }
        re.append(Pattern.quote(fold(r.substring(i + 1, end), caseSensitive)));
        i = end + 1;
      } else if (c == '\\' && i + 1 < r.length()) {
        re.append(Pattern.quote(fold(String.valueOf(r.charAt(i + 1)), caseSensitive)));
        i += 2;
      } else if (c == '*') {
        re.append(".*");
        i++;
      } else if (c == '?') {
        re.append('.');
        i++;
      } else if (c == '[') {
        int end = r.indexOf(']', i + 1);
        if (end < 0) {
          throw invalid(raw);
        }
        String set = fold(r.substring(i + 1, end), caseSensitive);
        re.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
        i = end + 1;
      } else if (Character.isLetterOrDigit(c) || c == '$' || c == '_' || c > 0x7f) {
        re.append(Pattern.quote(fold(String.valueOf(c), caseSensitive)));
        i++;
      } else {
        throw invalid(raw);
      }
    }
    if (i == start) {
      throw invalid(raw);
    }
    pos[0] = i;
    return Pattern.compile(re.toString());
  }

  private static String fold(String s, boolean caseSensitive) {
    return caseSensitive ? s : s.toLowerCase(Locale.ROOT);
  }

  private static SinkConfigException invalid(String rule) {
    return new SinkConfigException("CDC:ErrFilterRuleInvalid", "filter rule is invalid " + rule);
  }
}
