package io.kcdc.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcdc.capture.cli.ChangefeedStatistics;
import io.kcdc.capture.cli.CliOutput;
import io.kcdc.capture.cli.ReplicaConfigToml;
import io.kcdc.capture.cli.SinkRowsMetric;
import io.kcdc.capture.cli.StatisticsSample;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.ReplicaConfigs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code cdc cli}: TiCDC's command line over the OpenAPI v2 (the subset we serve so far). */
@Command(name = "cli", mixinStandardHelpOptions = true, description = "Manage changefeeds through a capture's OpenAPI v2.",
    subcommands = {CliCommand.Changefeed.class, CliCommand.CaptureList.class, CliCommand.Processor.class, CliCommand.Tso.class, CliCommand.Unsafe.class,
        CliCommand.Consume.class})
final class CliCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--server", defaultValue = "http://127.0.0.1:8300", description = "A capture's API address (default: ${DEFAULT-VALUE}).")
  String server;

  @Mixin TlsFlags tls;

  @Option(names = "--cert-allowed-cn", defaultValue = "", description = "Verify the server's identity (cert Common Name). Use ',' to separate multiple CN.")
  String certAllowedCn;

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Sends one API call and prints the body; non-2xx answers exit 1. */
  int call(String method, String path, String body) throws IOException, InterruptedException {
    return call(method, path, body, true);
  }

  /** Sends one API call; the body is printed if {@code print} or the answer is not 2xx (exit 1). */
  int call(String method, String path, String body, boolean print) throws IOException, InterruptedException {
    HttpResponse<String> r = send(method, path, body);
    boolean ok = r.statusCode() / 100 == 2;
    if (print || !ok) {
      System.out.println(r.body().isEmpty() ? r.statusCode() + " " + method + " " + path : r.body());
    }
    return ok ? 0 : 1;
  }

  /**
   * One reading of a changefeed: its checkpoint and resolved ts, the upstream's TSO and the rows its
   * table sinks wrote, summed over every capture's {@code /metrics} (docs/cli.md#changefeed-statistics).
   */
  StatisticsSample sample(String changefeedId) throws IOException, InterruptedException {
    long at = System.currentTimeMillis();
    HttpResponse<String> cf = send("GET", "/api/v2/changefeeds/" + changefeedId, null);
    if (cf.statusCode() != 200) {
      throw new IOException(cf.body());
    }
    JsonNode info = JSON.readTree(cf.body());
    String namespace = info.path("namespace").asText("default");
    long rows = 0;
    HttpResponse<String> caps = send("GET", "/api/v2/captures", null);
    for (JsonNode c : JSON.readTree(caps.body()).path("items")) {
      HttpResponse<String> m = sendTo(c.path("address").asText(), "GET", "/metrics", null);
      if (m.statusCode() == 200) {
        rows += SinkRowsMetric.rows(m.body(), namespace, changefeedId);
      }
    }
    return new StatisticsSample(at, rows, info.path("checkpoint_ts").asLong(), info.path("resolved_ts").asLong(), currentTso());
  }

  /** The upstream's current TSO ({@code POST /api/v2/tso}). */
  long currentTso() throws IOException, InterruptedException {
    HttpResponse<String> r = send("POST", "/api/v2/tso", "{}");
    if (r.statusCode() != 200) {
      throw new IOException("cannot get the current TSO: " + r.body());
    }
    JsonNode t = JSON.readTree(r.body());
    return io.kcdc.common.Tso.compose(t.path("timestamp").asLong(), t.path("logic_time").asLong());
  }

  HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    return sendTo(server, method, path, body);
  }

  private HttpResponse<String> sendTo(String server, String method, String path, String body)
      throws IOException, InterruptedException {
    // As TiCDC's cli: with TLS flags the server is called over HTTPS with that credential (docs/security.md).
    io.kcdc.common.security.Credential credential = this.tls.credential(certAllowedCn);
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (!credential.isEmpty()) {
      client.sslContext(credential.httpContext(false));
    }
    HttpClient http = client.build();
    String base = server.contains("://") ? server : (credential.isEmpty() ? "http://" : "https://") + server;
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Command(name = "changefeed", mixinStandardHelpOptions = true, description = "Create, list, query, pause, resume or remove changefeeds.",
      subcommands = {Create.class, ListFeeds.class, Query.class, Pause.class, Resume.class, Remove.class, Update.class,
          Statistics.class})
  static final class Changefeed implements Runnable {
    @ParentCommand CliCommand cli;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a changefeed.")
  static final class Create implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-c", "--changefeed-id"}) String id = "";
    @Option(names = "--sink-uri", required = true) String sinkUri;
    @Option(names = "--start-ts", defaultValue = "0") long startTs;
    @Option(names = "--target-ts", defaultValue = "0") long targetTs;
    @Option(names = "--filter-rule", split = ",", description = "Table filter rules, e.g. test.*") List<String> rules;
    @Option(names = "--config", description = "Path of TiCDC's changefeed configuration file (TOML).") Path config;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = JSON.createObjectNode()
          .put("changefeed_id", id)
          .put("sink_uri", sinkUri)
          .put("start_ts", startTs)
          .put("target_ts", targetTs);
      if (config != null) {
        try {
          body.set("replica_config", ReplicaConfigToml.toApi(Files.readString(config), config.toString()));
        } catch (IllegalArgumentException e) {
          System.err.println("Error: " + e.getMessage());
          return 1;
        }
      }
      if (rules != null && !rules.isEmpty()) {
        ObjectNode rc = body.has("replica_config") ? (ObjectNode) body.get("replica_config") : body.putObject("replica_config");
        ObjectNode filter = rc.has("filter") ? (ObjectNode) rc.get("filter") : rc.putObject("filter");
        ArrayNode r = filter.putArray("rules");
        rules.forEach(r::add);
      }
      return parent.cli.call("POST", "/api/v2/changefeeds", body.toString());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List changefeeds.")
  static final class ListFeeds implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-a", "--all"}) boolean all;

    @Override
    public Integer call() throws Exception {
      return parent.cli.call("GET", "/api/v2/changefeeds" + (all ? "?state=all" : ""), null);
    }
  }

  @Command(name = "query", mixinStandardHelpOptions = true, description = "Show one changefeed.")
  static final class Query implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-c", "--changefeed-id"}, required = true) String id;
    @Option(names = "--watch", description = "Print the checkpoint lag, rows/s and the estimated time to caught-up "
        + "every --interval seconds until interrupted.") boolean watch;
    @Option(names = {"-I", "--interval"}, defaultValue = "10", description = "Seconds between --watch lines.") int interval;

    @Override
    public Integer call() throws Exception {
      if (!watch) {
        return parent.cli.call("GET", "/api/v2/changefeeds/" + id, null);
      }
      StatisticsSample previous = parent.cli.sample(id);
      while (true) {
        Thread.sleep(interval * 1000L);
        StatisticsSample current = parent.cli.sample(id);
        ChangefeedStatistics.CatchUp c = ChangefeedStatistics.catchUp(previous, current);
        System.out.printf("checkpoint lag %.1fs, %.1f rows/s, caught up in %s%n", c.checkpointLagMs() / 1000.0,
            c.rowsPerSecond(), c.etaSeconds().isPresent() ? c.etaSeconds().getAsLong() + "s" : "unknown (lag not shrinking)");
        previous = current;
      }
    }
  }

  @Command(name = "statistics", mixinStandardHelpOptions = true,
      description = "Periodically check and output the status of a replication task (changefeed)")
  static final class Statistics implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-c", "--changefeed-id"}, required = true) String id;
    @Option(names = {"-I", "--interval"}, defaultValue = "10", description = "Interval for outputing the latest statistics") int interval;
    @Option(names = "--count", defaultValue = "0", description = "Stop after this many lines (0: until interrupted).") int count;

    @Override
    public Integer call() throws Exception {
      StatisticsSample previous = null;
      for (int printed = 0; count == 0 || printed < count; printed++) {
        if (previous != null) {
          Thread.sleep(interval * 1000L);
        }
        StatisticsSample current;
        try {
          current = parent.cli.sample(id);
        } catch (IOException e) {
          System.err.println(e.getMessage()); // TiCDC skips a failed reading and tries again next tick
          continue;
        }
        System.out.println(CliOutput.indent(ChangefeedStatistics.status(previous, current)));
        previous = current;
      }
      return 0;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a changefeed.")
  static final class Pause implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-c", "--changefeed-id"}, required = true) String id;

    @Override
    public Integer call() throws Exception {
      return parent.cli.call("POST", "/api/v2/changefeeds/" + id + "/pause", null);
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a changefeed.")
  static final class Resume implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-c", "--changefeed-id"}, required = true) String id;
    @Option(names = "--overwrite-checkpoint-ts", defaultValue = "0") long overwrite;

    @Override
    public Integer call() throws Exception {
      return parent.cli.call("POST", "/api/v2/changefeeds/" + id + "/resume",
          "{\"overwrite_checkpoint_ts\":" + Long.toUnsignedString(overwrite) + "}");
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a changefeed.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-c", "--changefeed-id"}, required = true) String id;

    @Override
    public Integer call() throws Exception {
      return parent.cli.call("DELETE", "/api/v2/changefeeds/" + id, null);
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Update a stopped or failed changefeed's sink URI, target ts or replica config.")
  static final class Update implements Callable<Integer> {
    @ParentCommand Changefeed parent;
    @Option(names = {"-c", "--changefeed-id"}, required = true) String id;
    @Option(names = "--sink-uri", description = "The new sink URI.") String sinkUri;
    @Option(names = "--target-ts", description = "The new target ts.") Long targetTs;
    @Option(names = "--config", description = "A replica config file: TiCDC's TOML, or the API's JSON form "
        + "('replica_config' of POST /api/v2/changefeeds). It replaces the changefeed's config; fields it leaves out "
        + "take their defaults.") Path config;

    @Override
    public Integer call() throws Exception {
      // TiCDC's CLI reads the changefeed first: a missing one fails before anything is sent.
      if (parent.cli.call("GET", "/api/v2/changefeeds/" + id, null, false) != 0) {
        return 1;
      }
      ObjectNode body = JSON.createObjectNode();
      if (sinkUri != null) {
        body.put("sink_uri", sinkUri);
      }
      if (targetTs != null) {
        body.put("target_ts", targetTs);
      }
      if (config != null) {
        JsonNode file;
        try {
          file = ReplicaConfigToml.fileToApi(Files.readString(config), config.toString());
        } catch (IllegalArgumentException e) {
          System.err.println("Error: " + e.getMessage());
          return 1;
        }
        // Update replaces the config starting from TiCDC's zero values; the file means "defaults + this".
        body.set("replica_config", Json.MAPPER.valueToTree(ReplicaConfigs.mergeOnDefaults(file)));
      }
      return parent.cli.call("PUT", "/api/v2/changefeeds/" + id, body.toString());
    }
  }

  @Command(name = "unsafe", mixinStandardHelpOptions = true, description = "Inspect and repair TiCDC's metadata (unsafe).",
      subcommands = {ShowMetadata.class, DeleteServiceGcSafepoint.class, ResolveLock.class})
  static final class Unsafe implements Runnable {
    @ParentCommand CliCommand cli;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }

    /** TiCDC asks before an unsafe change unless {@code --no-confirm}. */
    static boolean confirmed(boolean noConfirm, String what) throws IOException {
      if (noConfirm) {
        return true;
      }
      System.out.print("Confirm that you know what this command will do and use it at your own risk [Y/N]: " + what + " ");
      String answer = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return answer != null && answer.strip().equalsIgnoreCase("y");
    }
  }

  @Command(name = "show-metadata", mixinStandardHelpOptions = true, description = "Show every etcd key and value of the cluster.")
  static final class ShowMetadata implements Callable<Integer> {
    @ParentCommand Unsafe parent;

    @Override
    public Integer call() throws Exception {
      return parent.cli.call("GET", "/api/v2/unsafe/metadata", null);
    }
  }

  @Command(name = "delete-service-gc-safepoint", mixinStandardHelpOptions = true,
      description = "Remove TiCDC's service GC safepoint from PD.")
  static final class DeleteServiceGcSafepoint implements Callable<Integer> {
    @ParentCommand Unsafe parent;
    @Option(names = "--no-confirm") boolean noConfirm;

    @Override
    public Integer call() throws Exception {
      if (!Unsafe.confirmed(noConfirm, "delete the service GC safepoint")) {
        return 1;
      }
      return parent.cli.call("DELETE", "/api/v2/unsafe/service_gc_safepoint", "{}");
    }
  }

  @Command(name = "resolve-lock", mixinStandardHelpOptions = true, description = "Resolve the locks of a region.")
  static final class ResolveLock implements Callable<Integer> {
    @ParentCommand Unsafe parent;
    @Option(names = "--region", required = true) long region;
    @Option(names = "--ts", defaultValue = "0", description = "Resolve locks up to this ts (default: the current TSO).") long ts;
    @Option(names = "--no-confirm") boolean noConfirm;

    @Override
    public Integer call() throws Exception {
      if (!Unsafe.confirmed(noConfirm, "resolve the locks of region " + region)) {
        return 1;
      }
      ObjectNode body = JSON.createObjectNode().put("region_id", region).put("ts", ts == 0 ? parent.cli.currentTso() : ts);
      return parent.cli.call("POST", "/api/v2/unsafe/resolve_lock", body.toString());
    }
  }

  @Command(name = "capture", mixinStandardHelpOptions = true, description = "List captures (cdc cli capture list).")
  static final class CaptureList implements Callable<Integer> {
    @ParentCommand CliCommand cli;

    @Override
    public Integer call() throws Exception {
      return cli.call("GET", "/api/v2/captures", null);
    }
  }

  @Command(name = "processor", mixinStandardHelpOptions = true, description = "List or query processors (a changefeed's work on one capture).",
      subcommands = {ProcessorList.class, ProcessorQuery.class})
  static final class Processor implements Runnable {
    @ParentCommand CliCommand cli;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List all processors in TiCDC cluster")
  static final class ProcessorList implements Callable<Integer> {
    @ParentCommand Processor parent;

    @Override
    public Integer call() throws Exception {
      // TiCDC's client unwraps the list's items and prints them as an indented JSON array.
      HttpResponse<String> r = parent.cli.send("GET", "/api/v2/processors", null);
      if (r.statusCode() != 200) {
        System.out.println(r.body());
        return 1;
      }
      System.out.println(CliOutput.indent(JSON.readTree(r.body()).path("items")));
      return 0;
    }
  }

  @Command(name = "query", mixinStandardHelpOptions = true,
      description = "Query information and status of a sub replication task (processor)")
  static final class ProcessorQuery implements Callable<Integer> {
    @ParentCommand Processor parent;
    @Option(names = {"-n", "--namespace"}, defaultValue = "default") String namespace;
    @Option(names = {"-c", "--changefeed-id"}, required = true) String id;
    @Option(names = {"-p", "--capture-id"}, required = true) String captureId;

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> r = parent.cli.send("GET", "/api/v2/processors/" + id + "/" + captureId
          + "?namespace=" + java.net.URLEncoder.encode(namespace, StandardCharsets.UTF_8), null);
      if (r.statusCode() != 200) {
        System.out.println(r.body());
        return 1;
      }
      System.out.println(CliOutput.indent(CliOutput.processorMeta(JSON.readTree(r.body()))));
      return 0;
    }
  }

  @Command(name = "tso", mixinStandardHelpOptions = true, description = "Query the upstream's current TSO.")
  static final class Tso implements Callable<Integer> {
    @ParentCommand CliCommand cli;

    @Override
    public Integer call() throws Exception {
      return cli.call("POST", "/api/v2/tso", "{}");
    }
  }

  @Command(name = "consume", mixinStandardHelpOptions = true,
      description = "Print a sink topic's committed records (read_committed, from the beginning).")
  static final class Consume implements Callable<Integer> {
    @Option(names = "--kafka", defaultValue = "127.0.0.1:9092") String kafka;
    @Option(names = "--topic", required = true) String topic;
    @Option(names = "--idle-seconds", defaultValue = "5", description = "Stop after this long without a record (0 = follow forever).")
    int idleSeconds;
    @Option(names = "--watermarks", description = "Also print TIDB_WATERMARK / resolved events (one per partition every second).")
    boolean watermarks;

    @Override
    public Integer call() {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        long idleSince = System.currentTimeMillis();
        while (idleSeconds == 0 || System.currentTimeMillis() - idleSince < idleSeconds * 1000L) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            String v = r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8);
            if (!watermarks && v.contains("\"TIDB_WATERMARK\"")) {
              continue;
            }
            idleSince = System.currentTimeMillis();
            System.out.println("p" + r.partition() + "@" + r.offset() + " " + v);
          }
        }
      }
      return 0;
    }
  }
}
