package io.kcdc.gateway.api;

import io.kcdc.common.TableFilter;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import java.util.List;

/**
 * The API's check of table-filter rules (docs/filters.md#table-filter-rules). The grammar is
 * {@link TableFilter}'s, the one the data path matches with; this class only words the error.
 */
public final class TableFilterRules {
  private TableFilterRules() {}

  /** @throws CdcException {@code CDC:ErrFilterRuleInvalid} naming all rules and the first bad one */
  public static void validate(List<String> rules) {
    if (rules == null) {
      return;
    }
    try {
      TableFilter.parse(rules, false); // case only matters for matching
    } catch (TableFilter.InvalidRuleException e) {
      throw CdcError.FILTER_RULE_INVALID.withMessage("filter rule is invalid %s: %s", goList(rules), e.getMessage());
    }
  }

  /** Go's {@code %v} of a string slice. */
  private static String goList(List<String> values) {
    return "[" + String.join(" ", values) + "]";
  }
}
