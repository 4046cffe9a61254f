package io.kcdc.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The broker as {@code kafka.Kafka server.properties} in a child JVM, so a test can SIGKILL it
 * (a crash: no controlled shutdown, no flush) and start it again on the same log dir.
 */
final class ChildJvmKafkaNode implements KafkaNode {
  private final ChildJvm jvm;

  private ChildJvmKafkaNode(ChildJvm jvm) {
    this.jvm = jvm;
  }

  /** Writes {@code <dir>/server.properties} and launches; output goes to {@code <dir>/server.log}. */
  static ChildJvmKafkaNode start(Properties config, Path dir, String maxHeap) throws IOException {
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      config.store(out, "kcdc testkit: a single-node KRaft broker + controller");
    }
    return new ChildJvmKafkaNode(ChildJvm.builder("kafka.Kafka").maxHeap(maxHeap)
        .log(dir.resolve("server.log")).args(file.toString()).start());
  }

  @Override
  public void stop() {
    jvm.stop(ChildProcess.STOP_TIMEOUT);
  }

  @Override
  public void kill() {
    jvm.kill();
  }

  @Override
  public boolean isAlive() {
    return jvm.isAlive();
  }

  @Override
  public String diagnostics() {
    return (jvm.isAlive() ? "" : "the broker JVM exited with " + jvm.exitValue() + "; ")
        + "the end of " + jvm.log() + ":\n" + jvm.logTail(4000);
  }
}
