package io.kcdc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TempDirsTest {
  @Test
  void deletesATreeAndToleratesAMissingOne() throws Exception {
    Path dir = TempDirs.create("tree");
    assertThat(dir.getFileName().toString()).startsWith("kcdc-tree");
    Files.createDirectories(dir.resolve("a/b/c"));
    Files.writeString(dir.resolve("a/b/c/f.txt"), "x");
    Files.writeString(dir.resolve("top.txt"), "y");

    TempDirs.delete(dir);
    assertThat(dir).doesNotExist();
    TempDirs.delete(dir);
    assertThat(TempDirs.deleteQuietly(dir)).isTrue();
  }
}
