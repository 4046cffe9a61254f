package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.errors.CdcException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableFilterRulesTest {
  @Test
  void acceptsTiDbSyntax() {
    for (String rule : List.of("*.*", "test.*", "!test.tmp_*", "db?.t[0-9]", "`test-a`.*", "test\\-a.*",
        "\"quoted\"\"x\".t", "/^db_\\d+$/.*", "数据库.表", "$db.t_1", "", "  a.b  ", "a.[!x]")) {
      assertThat(TableFilterRules.check(rule)).as(rule).isNull();
    }
  }

  @Test
  void rejectsBadRules() {
    for (String rule : List.of("test-a.*", "*.*.*", "test", "a.", ".b", "a.[x", "`a.b", "/(/.x", "a b.c")) {
      assertThat(TableFilterRules.check(rule)).as(rule).isNotNull();
    }
  }

  @Test
  void validateReportsTheRulesWithTheirCode() {
    assertThatThrownBy(() -> TableFilterRules.validate(List.of("*.*", "test-a.*")))
        .isInstanceOf(CdcException.class)
        .satisfies(e -> {
          CdcException c = (CdcException) e;
          assertThat(c.code()).isEqualTo("CDC:ErrFilterRuleInvalid");
          assertThat(c.httpStatus()).isEqualTo(400);
          assertThat(c.getMessage()).startsWith("filter rule is invalid [*.* test-a.*]: ");
        });
  }
}
