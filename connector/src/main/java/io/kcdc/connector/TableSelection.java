package io.kcdc.connector;

import io.kcdc.common.TableFilter;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Which tables of a schema snapshot a changefeed replicates: those its filter matches, without
 * views and sequences, and (unless {@code forceReplicate}) only those with a primary key or a NOT
 * NULL unique key (TiCDC's eligibility). The owner and the connector tasks use the same rule, so
 * the tables the owner waits for are the tables some task pulls.
 */
public record TableSelection(TableFilter filter, boolean forceReplicate) {

  public boolean selects(SchemaSnapshot snapshot, TableInfo t) {
    DBInfo db = snapshot.databaseOf(t.id()).orElse(null);
    if (db == null || t.view() != null || t.sequence() != null || !filter.match(db.name().o(), t.name().o())) {
      return false;
    }
    return forceReplicate || ColumnFlag.eligible(t);
  }

  /** The selected logical table ids, sorted. */
  public List<Long> select(SchemaSnapshot snapshot) {
    List<Long> out = new ArrayList<>();
    for (TableInfo t : snapshot.tables()) {
      if (selects(snapshot, t)) {
        out.add(t.id());
      }
    }
    out.sort(Long::compare);
    return out;
  }

  /** The task (of {@code taskCount}) that captures a table: fixed by the table id, so tables created later need no reassignment. */
  public static int taskOf(long tableId, int taskCount) {
    return InternalEvents.slot(tableId, taskCount);
  }
}
