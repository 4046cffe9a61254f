package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.errors.CdcException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableFilterRulesTest {
  @Test
  void acceptsWhatTheDataPathMatchesWith() {
    // the grammar is TableFilter's (tested with it): comments and blank rules included
    assertThatNoException().isThrownBy(() -> TableFilterRules.validate(List.of("", "  db.t  # comment", "!a.b")));
    assertThatNoException().isThrownBy(() -> TableFilterRules.validate(null));
  }

  @Test
  void validateReportsTheRulesWithTheirCode() {
    assertThatThrownBy(() -> TableFilterRules.validate(List.of("*.*", "test-a.*")))
        .isInstanceOf(CdcException.class)
        .satisfies(e -> {
          CdcException c = (CdcException) e;
          assertThat(c.code()).isEqualTo("CDC:ErrFilterRuleInvalid");
          assertThat(c.httpStatus()).isEqualTo(400);
          assertThat(c.getMessage()).startsWith("filter rule is invalid [*.* test-a.*]: ")
              .contains("test-a.*': syntax error: unexpected special character '-'");
        });
  }
}
