package io.kcdc.connector.mounter;

import io.kcdc.tidb.schema.TableInfo;
import java.util.List;

/** Decodes one row value (with its record key for handle columns) into mounted values. */
@FunctionalInterface
public interface RowValueDecoder {
  /** Values of {@link TableInfo#visibleColumns()}, in that order. */
  List<Object> decode(TableInfo table, byte[] rawKey, byte[] value);
}
