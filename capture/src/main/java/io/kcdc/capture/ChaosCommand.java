package io.kcdc.capture;

import io.kcdc.capture.chaos.ChaosRun;
import io.kcdc.capture.chaos.SinkAudit;
import io.kcdc.common.GoDuration;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc chaos}: against a running cluster (the playground with {@code --captures 3}, say), writes a
 * steady load, kills captures with SIGKILL (the owner among them), measures how long the checkpoint
 * takes to pass each kill, and audits the sink topic with an independent read_committed consumer.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Kill captures with SIGKILL under load and check that nothing is lost or repeated.")
final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--server", defaultValue = "127.0.0.1:8300", description = "A capture's API address (default: ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--mysql", defaultValue = "127.0.0.1:4000", description = "The upstream TiDB's MySQL address (default: ${DEFAULT-VALUE}).")
  String mysql;

  @Option(names = "--kafka", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers of the sink (default: ${DEFAULT-VALUE}).")
  String kafka;

  @Option(names = "--kills", defaultValue = "10", description = "How many captures to kill (default: ${DEFAULT-VALUE}).")
  int kills;

  @Option(names = "--owner-every", defaultValue = "2", description = "Every n-th kill is the owner's (default: ${DEFAULT-VALUE}).")
  int ownerEvery;

  @Option(names = "--interval", defaultValue = "15s", description = "Time between two kills, after the killed capture is back (default: ${DEFAULT-VALUE}).")
  String interval;

  @Option(names = "--rate", defaultValue = "200", description = "Row changes per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--tables", defaultValue = "4", description = "Tables written (default: ${DEFAULT-VALUE}).")
  int tables;

  @Option(names = "--ddl-every", defaultValue = "20s", description = "A CREATE TABLE this often during the run, 0 for none (default: ${DEFAULT-VALUE}).")
  String ddlEvery;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the sink topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--recovery-timeout", defaultValue = "60s", description = "How long to wait for the checkpoint after a kill (default: ${DEFAULT-VALUE}).")
  String recoveryTimeout;

  @Option(names = "--keep-changefeed", description = "Keep the run's changefeed when the audit is clean (by default it is"
      + " removed, so that the next run measures one changefeed, not this one's too; it is always kept otherwise, to look into).")
  boolean keepChangefeed;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    String run = "chaos" + (System.currentTimeMillis() / 1000);
    ChaosRun.Settings settings = new ChaosRun.Settings("jdbc:mariadb://" + mysql + "/", server, kafka, run, run,
        run, tables, rate, duration(ddlEvery), partitions, duration(recoveryTimeout), System.nanoTime());
    try (ChaosRun chaos = new ChaosRun(settings)) {
      out.printf("changefeed %s -> topic %s, database %s, %.0f row changes/s%n", run, run, run, rate);
      chaos.prepare();
      chaos.startLoad();
      for (int i = 1; i <= kills; i++) {
        chaos.awaitWholeCluster(Duration.ofMinutes(5));
        Thread.sleep(duration(interval).toMillis());
        ChaosRun.Fault f = chaos.killCapture(ownerEvery > 0 && i % ownerEvery == 0);
        out.printf("kill %d/%d: %s%n", i, kills, f.line());
      }
      Thread.sleep(duration(interval).toMillis());
      out.println("stopping the load and auditing the sink");
      SinkAudit.Report report = chaos.finish();
      chaos.print(out, report);
      boolean clean = report.clean() && chaos.checkpointRegressions().isEmpty()
          && chaos.faults().stream().allMatch(f -> f.recovery().isPresent());
      if (clean && !keepChangefeed) {
        chaos.api().call("DELETE", "/api/v2/changefeeds/" + run, null);
        out.println("changefeed " + run + " removed (--keep-changefeed keeps it)");
      }
      return clean ? 0 : 1;
    }
  }

  /** A Go duration ({@code 15s}, {@code 500ms}, {@code 1m30s}), as TiCDC's flags take them. */
  static Duration duration(String text) {
    return Duration.ofNanos(GoDuration.parse(text.trim()));
  }
}
