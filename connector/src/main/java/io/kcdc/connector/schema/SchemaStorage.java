package io.kcdc.connector.schema;

/**
 * Schema snapshots by timestamp (TiCDC's {@code SchemaStorage}). The mounter asks for the schema
 * valid at {@code commitTs - 1}. Today there is one snapshot, read when the task starts; DDL
 * replay will add one snapshot per DDL behind this interface.
 */
public interface SchemaStorage {
  /** The last snapshot with a version at or below {@code ts}. */
  SchemaSnapshot snapshotAt(long ts);

  /** Version of the snapshot: the commit ts of the DDL that produced it, 0 for the start snapshot. */
  long versionAt(long ts);

  /** A storage that only knows the snapshot a changefeed starts from. */
  static SchemaStorage of(SchemaSnapshot start) {
    return new SchemaStorage() {
      @Override
      public SchemaSnapshot snapshotAt(long ts) {
        return start;
      }

      @Override
      public long versionAt(long ts) {
        return 0;
      }
    };
  }
}
