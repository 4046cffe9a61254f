package io.kcdc.connector.schema;

import io.kcdc.connector.puller.RawKvEntry;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.JobState;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import java.util.List;
import java.util.Optional;

/**
 * Reads finished DDL jobs from changes of {@code mysql.tidb_ddl_job}
 * (docs/schema-and-ddl.md#ddl-job-source, TiCDC's {@code ParseDDLJob}): only puts count; a key in
 * the meta prefix {@code m} carries the Job JSON itself (legacy queue), a row key carries it in
 * column {@code job_meta}. A job counts once it is Done; its start ts is the row's and its finished
 * ts the commit ts of the row's transaction.
 */
public final class DdlJobRows {
  public static final String MYSQL_DB = "mysql";
  public static final String DDL_JOB_TABLE = "tidb_ddl_job";
  private static final String JOB_META = "job_meta";

  private final TableInfo table;
  private final int jobMetaOffset;

  /** @param ddlJobTable {@code mysql.tidb_ddl_job} as the meta snapshot describes it */
  public DdlJobRows(TableInfo ddlJobTable) {
    this.table = ddlJobTable;
    List<ColumnInfo> visible = ddlJobTable.visibleColumns();
    int offset = -1;
    for (int i = 0; i < visible.size(); i++) {
      if (visible.get(i).name().l().equals(JOB_META)) {
        offset = i;
      }
    }
    if (offset < 0) {
      throw new IllegalArgumentException("mysql.tidb_ddl_job has no column job_meta");
    }
    this.jobMetaOffset = offset;
  }

  /** The job table of a snapshot; upstreams before TiDB 6.2 have none and are not supported. */
  public static DdlJobRows of(SchemaSnapshot snapshot) {
    return new DdlJobRows(snapshot.table(MYSQL_DB, DDL_JOB_TABLE).orElseThrow(() -> new IllegalStateException(
        "the upstream has no mysql.tidb_ddl_job table (TiDB 6.2 or newer is required)")));
  }

  public Optional<DdlJob> parse(RawKvEntry entry) {
    if (entry.op() != RawKvEntry.OpType.PUT || entry.value().length == 0) {
      return Optional.empty();
    }
    byte[] json;
    if (entry.key().length > 0 && entry.key()[0] == 'm') {
      json = entry.value();
    } else {
      Object[] row = RowDecoder.decode(table, entry.key(), entry.value());
      if (row == null || !(row[jobMetaOffset] instanceof byte[] bytes)) {
        return Optional.empty();
      }
      json = bytes;
    }
    DdlJob job = SchemaJson.read(json, DdlJob.class);
    if (job.state() != JobState.DONE || job.binlog() == null) {
      return Optional.empty();
    }
    return Optional.of(job.withStartTs(entry.startTs()).withBinlog(job.binlog().withFinishedTs(entry.commitTs())));
  }
}
