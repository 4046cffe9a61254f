package io.kcdc.capture;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cdc} command: {@code server}, {@code playground} and TiCDC's {@code cli}. */
@Command(
    name = "cdc",
    mixinStandardHelpOptions = true,
    version = Version.VERSION,
    description = "A Kafka-native TiCDC: change data capture from TiDB into Kafka.",
    subcommands = {ServerCommand.class, StreamsCommand.class, PlaygroundCommand.class, CliCommand.class, ChaosCommand.class,
        BenchCommand.class})
public final class CdcMain implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    quietKafkaLogs();
    System.exit(new CommandLine(new CdcMain()).execute(args));
  }

  /** Kafka's broker, Connect and Streams log every step at INFO; ours stay at INFO. */
  private static void quietKafkaLogs() {
    for (String logger : new String[] {"org.apache.kafka", "kafka", "state.change.logger", "io.grpc", "io.vertx", "io.etcd"}) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, "warn");
      }
    }
    if (System.getProperty("org.slf4j.simpleLogger.showDateTime") == null) {
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
    }
  }
}
