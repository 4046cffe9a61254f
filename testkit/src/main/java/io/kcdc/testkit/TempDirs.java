package io.kcdc.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Temporary directories for servers and tests, and the recursive delete they need. */
public final class TempDirs {
  private TempDirs() {}

  /** A new directory under the system's temp dir, named {@code kcdc-<prefix>...}. */
  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory("kcdc-" + prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir for " + prefix, e);
    }
  }

  /** Deletes {@code dir} and everything below it; nothing happens when it does not exist. */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }

  /**
   * {@link #delete} for clean-up paths that must not fail the test (a server may still be
   * writing a log line); returns whether the tree is gone.
   */
  public static boolean deleteQuietly(Path dir) {
    try {
      delete(dir);
      return true;
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }
}
