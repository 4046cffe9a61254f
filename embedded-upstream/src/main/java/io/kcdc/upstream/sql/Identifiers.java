package io.kcdc.upstream.sql;

/** Identifier quoting as MySQL writes it. */
public final class Identifiers {
  private Identifiers() {}

  /** Strips one level of backquotes (or double quotes) around a name. */
  public static String unquote(String name) {
    if (name == null || name.length() < 2) {
      return name;
    }
    char first = name.charAt(0);
    char last = name.charAt(name.length() - 1);
    if ((first == '`' && last == '`') || (first == '"' && last == '"')) {
      return name.substring(1, name.length() - 1).replace("``", "`");
    }
    return name;
  }
}
