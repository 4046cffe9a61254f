package io.kcdc.gateway.api;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Syntax of TiDB table-filter rules ({@code [!]schema.table}, docs/filters.md#table-filter-rules):
 * wildcards {@code * ?}, character classes {@code [a-z] [!a-z]}, {@code \} escapes, quoting with
 * {@code `} or {@code "}, {@code /regex/} patterns; plain characters are {@code [0-9a-zA-Z$_]} and
 * non-ASCII. Checks only; matching belongs to the data path.
 */
public final class TableFilterRules {
  private TableFilterRules() {}

  /** @throws CdcException {@code CDC:ErrFilterRuleInvalid} for the first bad rule */
  public static void validate(List<String> rules) {
    if (rules == null) {
      return;
    }
    for (String rule : rules) {
      String error = check(rule);
      if (error != null) {
        throw CdcError.FILTER_RULE_INVALID.withMessage(
            "filter rule is invalid %s: %s", goList(rules), error);
      }
    }
  }

  /** Go's {@code %v} of a string slice. */
  static String goList(List<String> values) {
    return "[" + String.join(" ", values) + "]";
  }

  /** Null if {@code rule} is valid, else the reason. */
  public static String check(String rule) {
    String r = rule.strip();
    if (r.isEmpty()) {
      return null;
    }
    int[] pos = {0};
    if (r.charAt(0) == '!') {
      pos[0]++;
    }
    String error = pattern(r, pos, "schema");
    if (error != null) {
      return error;
    }
    if (pos[0] >= r.length() || r.charAt(pos[0]) != '.') {
      return "syntax error: missing table pattern in rule `" + rule + "`";
    }
    pos[0]++;
    error = pattern(r, pos, "table");
    if (error != null) {
      return error;
    }
    if (pos[0] != r.length()) {
      return "syntax error: unexpected extra characters `" + r.substring(pos[0]) + "` in rule `" + rule + "`";
    }
    return null;
  }

  private static String pattern(String r, int[] pos, String what) {
    int start = pos[0];
    if (start >= r.length()) {
      return "syntax error: missing " + what + " pattern in rule `" + r + "`";
    }
    char first = r.charAt(start);
    if (first == '`' || first == '"') {
      return quoted(r, pos, first);
    }
    if (first == '/') {
      return regex(r, pos);
    }
    while (pos[0] < r.length()) {
      char c = r.charAt(pos[0]);
      if (c == '.') {
        break;
      }
      if (c == '\\') {
        if (pos[0] + 1 >= r.length()) {
          return "syntax error: dangling escape in rule `" + r + "`";
        }
        pos[0] += 2;
      } else if (c == '[') {
        int close = r.indexOf(']', pos[0] + 1);
        if (close < 0 || close == pos[0] + 1 || (close == pos[0] + 2 && r.charAt(pos[0] + 1) == '!')) {
          return "syntax error: unclosed character class in rule `" + r + "`";
        }
        pos[0] = close + 1;
      } else if (c == '*' || c == '?' || c == '$' || c == '_' || Character.isLetterOrDigit(c) && c < 128 || c >= 128) {
        pos[0]++;
      } else {
        return "syntax error: unexpected special character '" + c + "' in rule `" + r + "`";
      }
    }
    return pos[0] == start ? "syntax error: missing " + what + " pattern in rule `" + r + "`" : null;
  }

  private static String quoted(String r, int[] pos, char quote) {
    int i = pos[0] + 1;
    while (i < r.length()) {
      if (r.charAt(i) == quote) {
        if (i + 1 < r.length() && r.charAt(i + 1) == quote) {
          i += 2; // doubled quote is a literal quote
          continue;
        }
        pos[0] = i + 1;
        return null;
      }
      i++;
    }
    return "syntax error: unclosed quote in rule `" + r + "`";
  }

  private static String regex(String r, int[] pos) {
    int i = pos[0] + 1;
    while (i < r.length() && r.charAt(i) != '/') {
      if (r.charAt(i) == '\\') {
        i++;
      }
      i++;
    }
    if (i >= r.length()) {
      return "syntax error: unclosed regular expression in rule `" + r + "`";
    }
    String body = r.substring(pos[0] + 1, i);
    try {
      Pattern.compile(body);
    } catch (PatternSyntaxException e) {
      return "invalid pattern: " + e.getDescription();
    }
    pos[0] = i + 1;
    return null;
  }
}
