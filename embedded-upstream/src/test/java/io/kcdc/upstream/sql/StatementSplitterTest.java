package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementSplitterTest {
  @Test
  void splitsAtTopLevelSemicolonsOnly() {
    assertThat(StatementSplitter.split("INSERT INTO t VALUES ('a;b', \"c;\\\"d\"); SELECT `x;y` FROM t;; "))
        .containsExactly("INSERT INTO t VALUES ('a;b', \"c;\\\"d\")", "SELECT `x;y` FROM t");
    assertThat(StatementSplitter.split("SELECT 1 /* ; */; -- a;b\nSELECT 2 # c;d"))
        .containsExactly("SELECT 1 /* ; */", "SELECT 2");
    assertThat(StatementSplitter.split("SELECT 'it\\'s;'")).containsExactly("SELECT 'it\\'s;'");
  }
}
