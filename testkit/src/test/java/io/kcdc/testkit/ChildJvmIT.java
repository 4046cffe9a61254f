package io.kcdc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmIT {
  @TempDir Path dir;

  private ChildJvm.Builder sleeper(String log) {
    return ChildJvm.builder(SleepingMain.class.getName()).maxHeap("48m").log(dir.resolve(log));
  }

  @Test
  void runsTheMainClassWithItsHeapPropertiesAndArgumentsAndStopsItCleanly() throws Exception {
    ChildJvm jvm = sleeper("a.log").systemProperty("kcdc.test", "yes").args("one", "two").start();
    awaitLog(jvm, "ready");
    String log = Files.readString(jvm.log());
    assertThat(log).contains("args=one,two prop=yes");
    assertThat(Long.parseLong(find(log, "maxMemoryMb=(\\d+)"))).isBetween(1L, 48L);
    assertThat(jvm.isAlive()).isTrue();

    jvm.stop(Duration.ofSeconds(20));
    assertThat(jvm.isAlive()).isFalse();
    assertThat(jvm.exitValue()).isEqualTo(128 + 15);
    assertThat(Files.readString(jvm.log())).contains("shutdown hook ran");
  }

  @Test
  void killIsSigkillNoShutdownHookRuns() throws Exception {
    ChildJvm jvm = sleeper("b.log").start();
    awaitLog(jvm, "ready");
    jvm.kill();
    assertThat(jvm.exitValue()).isEqualTo(128 + 9);
    assertThat(Files.readString(jvm.log())).doesNotContain("shutdown hook ran");
    jvm.close(); // nothing left to stop
  }

  @Test
  void aChildEndsWhenItsParentJvmIsGone() throws Exception {
    Path grandchildLog = dir.resolve("grandchild.log");
    ChildJvm parent = sleeper("parent.log").args("grandchild", grandchildLog.toString()).start();
    try {
      awaitLog(parent, "ready");
      long grandchild = Long.parseLong(find(Files.readString(parent.log()), "grandchild pid=(\\d+)"));
      Optional<ProcessHandle> handle = ProcessHandle.of(grandchild);
      assertThat(handle).isPresent();
      parent.kill();
      assertThat(handle.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(Files.readString(grandchildLog)).contains("gone: halting");
    } finally {
      parent.close();
    }
  }

  @Test
  void aHeapAndALogAreRequired() {
    assertThatThrownBy(() -> ChildJvm.builder("x.Main").log(dir.resolve("x.log")).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("explicit max heap");
    assertThatThrownBy(() -> ChildJvm.builder("x.Main").maxHeap("64m").start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("log file");
  }

  @Test
  void aCustomClasspathStillFindsTheLauncher() {
    var cmd = ChildJvm.builder("x.Main").maxHeap("64m").classpath("/nowhere.jar").command();
    assertThat(cmd.get(cmd.indexOf("-cp") + 1)).startsWith("/nowhere.jar" + java.io.File.pathSeparator);
    assertThat(cmd).containsSubsequence("-Xmx64m", "-cp", ChildJvmMain.class.getName(),
        Long.toString(ProcessHandle.current().pid()), "x.Main");
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in %s", regex, text).isTrue();
    return m.group(1);
  }

  private static void awaitLog(ChildJvm jvm, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(jvm.log()) || !Files.readString(jvm.log()).contains(text)) {
      assertThat(System.nanoTime()).as("%s in %s: %s", text, jvm.log(), jvm.logTail(2000)).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
