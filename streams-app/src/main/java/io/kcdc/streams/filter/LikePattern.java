package io.kcdc.streams.filter;

/** MySQL's LIKE: {@code %} matches any sequence, {@code _} one character, the escape character quotes the next. */
final class LikePattern {
  private LikePattern() {}

  static boolean matches(String value, String pattern, int escape) {
    int[] s = value.codePoints().toArray();
    int[] p = pattern.codePoints().toArray();
    // compile into (code point, kind) where kind 0 = literal, 1 = any one, 2 = any sequence
    int[] cps = new int[p.length];
    int[] kinds = new int[p.length];
    int n = 0;
    for (int i = 0; i < p.length; i++) {
      int c = p[i];
      if (c == escape && i + 1 < p.length) {
        cps[n] = p[++i];
        kinds[n++] = 0;
      } else if (c == '%') {
        if (n == 0 || kinds[n - 1] != 2) {
          kinds[n++] = 2;
        }
      } else if (c == '_') {
        kinds[n++] = 1;
      } else {
        cps[n] = c;
        kinds[n++] = 0;
      }
    }
    // greedy matching with backtracking to the last '%'
    int si = 0;
    int pi = 0;
    int starP = -1;
    int starS = 0;
    while (si < s.length) {
      if (pi < n && (kinds[pi] == 1 || kinds[pi] == 0 && cps[pi] == s[si])) {
        si++;
        pi++;
      } else if (pi < n && kinds[pi] == 2) {
        starP = pi++;
        starS = si;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < n && kinds[pi] == 2) {
      pi++;
    }
    return pi == n;
  }
}
