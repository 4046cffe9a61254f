package io.kcdc.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * TiDB's table filter ({@code filter.rules}): rules {@code [!]schema.table} where each pattern is a
 * wildcard ({@code *}, {@code ?}, {@code [a-z]}, {@code [!a-z]}, backslash escapes), a quoted
 * name ({@code `...`} or {@code "..."}, the quote doubled inside), or {@code /regex/} (substring
 * match). The last matching rule decides; nothing matching means rejected. System schemas are
 * always rejected.
 */
public final class TableFilter {
  /** Schemas TiCDC never replicates, whatever the rules say. */
  public static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema",
      "performance_schema", "metrics_schema", "sys", "inspection_schema", "dm_heartbeat",
      "tidb_cdc", "lightning_task_info", "workload_schema");

  private final List<Rule> rules;
  private final boolean caseSensitive;

  private TableFilter(List<Rule> rules, boolean caseSensitive) {
    this.rules = rules;
    this.caseSensitive = caseSensitive;
  }

  /** A rule that does not parse, reported as {@code CDC:ErrFilterRuleInvalid}. */
  public static final class InvalidRuleException extends IllegalArgumentException {
    private final String rule;

    public InvalidRuleException(String rule, String message) {
      super("invalid table filter rule '" + rule + "': " + message);
      this.rule = rule;
    }

    public String rule() {
      return rule;
    }
  }

  /** Parses rules; an empty list means {@code *.*}; blank rules and {@code #} comments are skipped. */
  public static TableFilter parse(List<String> rules, boolean caseSensitive) {
    List<Rule> parsed = new ArrayList<>();
    List<String> effective = rules == null || rules.isEmpty() ? List.of("*.*") : rules;
    for (String r : effective) {
      Rule rule = new RuleParser(r, caseSensitive).parse();
      if (rule != null) {
        parsed.add(rule);
      }
    }
    return new TableFilter(List.copyOf(parsed), caseSensitive);
  }

  public boolean match(String schema, String table) {
    if (isSystemSchema(schema)) {
      return false;
    }
    String s = fold(schema);
    String t = fold(table);
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if (r.schema.matches(s) && r.table.matches(t)) {
        return r.positive;
      }
    }
    return false;
  }

  /**
   * Whether some table of the schema may match (schema-level DDLs): the last rule whose schema
   * pattern matches decides if it accepts, or if it excludes every table of the schema.
   */
  public boolean matchSchema(String schema) {
    if (isSystemSchema(schema)) {
      return false;
    }
    String s = fold(schema);
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if (r.schema.matches(s) && (r.positive || r.table.matchesEverything())) {
        return r.positive;
      }
    }
    return false;
  }

  public static boolean isSystemSchema(String schema) {
    return SYSTEM_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT));
  }

  private String fold(String s) {
    return caseSensitive ? s : s.toLowerCase(Locale.ROOT);
  }

  private record Rule(boolean positive, Matcher schema, Matcher table) {}

  /** One schema or table pattern. */
  private interface Matcher {
    boolean matches(String name);

    default boolean matchesEverything() {
      return false;
    }
  }

  private record Literal(String name) implements Matcher {
    public boolean matches(String n) {
      return name.equals(n);
    }
  }

  private record Wildcard(Pattern pattern, boolean everything) implements Matcher {
    public boolean matches(String n) {
      return pattern.matcher(n).matches();
    }

    public boolean matchesEverything() {
      return everything;
    }
  }

  private record Regex(Pattern pattern) implements Matcher {
    public boolean matches(String n) {
      return pattern.matcher(n).find();
    }
  }

  /** Recursive-descent parser over one rule line. */
  private static final class RuleParser {
    private final String line;
    private final boolean caseSensitive;
    private int pos;

    RuleParser(String line, boolean caseSensitive) {
      this.line = line;
      this.caseSensitive = caseSensitive;
    }

    Rule parse() {
      skipSpaces();
      if (pos == line.length() || line.charAt(pos) == '#') {
        return null;
      }
      boolean positive = true;
      if (line.charAt(pos) == '!') {
        positive = false;
        pos++;
        skipSpaces();
      }
      if (pos < line.length() && line.charAt(pos) == '@') {
        throw error("importing filter files is not supported");
      }
      Matcher schema = pattern();
      if (pos >= line.length() || line.charAt(pos) != '.') {
        throw error("missing '.' between schema and table patterns");
      }
      pos++;
      Matcher table = pattern();
      skipSpaces();
      if (pos < line.length() && line.charAt(pos) != '#') {
        throw error("stray characters after table pattern");
      }
      return new Rule(positive, schema, table);
    }

    private Matcher pattern() {
      if (pos >= line.length()) {
        throw error("missing pattern");
      }
      char c = line.charAt(pos);
      if (c == '/') {
        return regex();
      }
      if (c == '`' || c == '"') {
        return quoted(c);
      }
      return wildcard();
    }

    private Matcher regex() {
      int start = ++pos;
      while (pos < line.length() && line.charAt(pos) != '/') {
        if (line.charAt(pos) == '\\') {
          pos++;
        }
        pos++;
      }
      if (pos >= line.length() || pos == start) {
        throw error("incomplete regexp");
      }
      String re = line.substring(start, pos);
      pos++;
      try {
        int flags = caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        return new Regex(Pattern.compile(re, flags));
      } catch (PatternSyntaxException e) {
        throw error("invalid regexp /" + re + "/: " + e.getDescription());
      }
    }

    private Matcher quoted(char quote) {
      StringBuilder sb = new StringBuilder();
      pos++;
      while (true) {
        if (pos >= line.length()) {
          throw error("incomplete quoted identifier");
        }
        char c = line.charAt(pos++);
        if (c == quote) {
          if (pos < line.length() && line.charAt(pos) == quote) {
            sb.append(quote);
            pos++;
            continue;
          }
          break;
        }
        sb.append(c);
      }
      String name = sb.toString();
      return new Literal(caseSensitive ? name : name.toLowerCase(Locale.ROOT));
    }

    private Matcher wildcard() {
      StringBuilder re = new StringBuilder();
      StringBuilder raw = new StringBuilder();
      int start = pos;
      while (pos < line.length()) {
        char c = line.charAt(pos);
        if (c == '.' || c == ' ' || c == '\t' || c == '#') {
          break;
        }
        raw.append(c);
        if (c == '*') {
          re.append(".*");
          pos++;
        } else if (c == '?') {
          re.append('.');
          pos++;
        } else if (c == '[') {
          re.append(charClass());
        } else if (c == '\\') {
          if (pos + 1 >= line.length()) {
            throw error("incomplete escape sequence");
          }
          re.append(Pattern.quote(fold(String.valueOf(line.charAt(pos + 1)))));
          pos += 2;
        } else if (c < 0x80 && !Character.isLetterOrDigit(c) && c != '$' && c != '_') {
          throw error("unexpected special character '" + c + "'");
        } else {
          re.append(Pattern.quote(fold(String.valueOf(c))));
          pos++;
        }
      }
      if (pos == start) {
        throw error("missing pattern");
      }
      boolean everything = raw.toString().equals("*");
      return new Wildcard(Pattern.compile(re.toString(), Pattern.DOTALL), everything);
    }

    /** {@code [...]} / {@code [!...]} with ranges and backslash escapes. */
    private String charClass() {
      StringBuilder sb = new StringBuilder("[");
      pos++;
      if (pos < line.length() && line.charAt(pos) == '!') {
        sb.append('^');
        pos++;
      }
      boolean empty = true;
      while (true) {
        if (pos >= line.length()) {
          throw error("brackets are not closed");
        }
        char c = line.charAt(pos);
        if (c == ']' && !empty) {
          pos++;
          break;
        }
        if (c == '\\') {
          if (pos + 1 >= line.length()) {
            throw error("incomplete escape sequence");
          }
          c = line.charAt(++pos);
        }
        if (c == '-' && !empty && pos + 1 < line.length() && line.charAt(pos + 1) != ']') {
          sb.append('-');
        } else {
          appendClassChar(sb, c);
        }
        empty = false;
        pos++;
      }
      return sb.append(']').toString();
    }

    private void appendClassChar(StringBuilder sb, char c) {
      String folded = fold(String.valueOf(c));
      for (char f : folded.toCharArray()) {
        if (!Character.isLetterOrDigit(f)) {
          sb.append('\\');
        }
        sb.append(f);
      }
    }

    private String fold(String s) {
      return caseSensitive ? s : s.toLowerCase(Locale.ROOT);
    }

    private void skipSpaces() {
      while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
        pos++;
      }
    }

    private InvalidRuleException error(String message) {
      return new InvalidRuleException(line, "syntax error: " + message);
    }
  }
}
