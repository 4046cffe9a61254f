package io.kcdc.capture;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cdc} command: {@code server}, {@code playground} and TiCDC's {@code cli}. */
@Command(
    name = "cdc",
    mixinStandardHelpOptions = true,
    version = Version.VERSION,
    description = "A Kafka-native TiCDC: change data capture from TiDB into Kafka.",
    subcommands = {ServerCommand.class, PlaygroundCommand.class, CliCommand.class})
public final class CdcMain implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CdcMain()).execute(args));
  }
}
