package io.kcdc.testkit;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@link Etcd} and {@link Kafka} share: a data dir that is given or a temp dir of their own
 * (deleted when they close), and that a closed server does not start again.
 */
final class Lifecycle {
  private final String what;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private boolean closed;

  /** {@code dataDir}, or a new temp dir named after {@code what} when it is null. */
  Lifecycle(String what, Path dataDir) {
    this.what = what;
    this.ownsDataDir = dataDir == null;
    this.dataDir = ownsDataDir ? TempDirs.create(what.toLowerCase(Locale.ROOT)) : dataDir;
  }

  Path dataDir() {
    return dataDir;
  }

  /** Fails when the server was closed or runs already (at {@code where}). */
  void checkStartable(boolean running, String where) {
    if (closed) {
      throw new IllegalStateException(what + " was closed");
    }
    if (running) {
      throw new IllegalStateException(what + " is already running on " + where);
    }
  }

  /** Marks it closed; false when it was already. */
  boolean close() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  /** Deletes the data dir when it is a temp dir of the server's own. */
  void deleteOwnDataDir() {
    if (ownsDataDir) {
      TempDirs.deleteQuietly(dataDir);
    }
  }
}
