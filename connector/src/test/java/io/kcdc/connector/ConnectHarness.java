package io.kcdc.connector;

import io.kcdc.avro.InternalEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

/**
 * A one-broker KRaft cluster and an in-process distributed Connect worker (service-loaded
 * plugins, so the connector on the test classpath is found), with REST and consumer helpers.
 */
final class ConnectHarness implements AutoCloseable {
  private final KafkaClusterTestKit kafka;
  private final Connect<?> connect;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String rest;

  ConnectHarness() throws Exception {
    kafka = new KafkaClusterTestKit.Builder(
        new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    Map<String, String> w = new HashMap<>();
    w.put("bootstrap.servers", kafka.bootstrapServers());
    w.put("group.id", "kcdc-it-connect");
    w.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    w.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    w.put("offset.storage.topic", "connect-offsets");
    w.put("config.storage.topic", "connect-configs");
    w.put("status.storage.topic", "connect-status");
    w.put("offset.storage.replication.factor", "1");
    w.put("config.storage.replication.factor", "1");
    w.put("status.storage.replication.factor", "1");
    w.put("offset.flush.interval.ms", "500");
    w.put("listeners", "http://127.0.0.1:0");
    w.put("plugin.discovery", "service_load");
    connect = new ConnectDistributed().startConnect(w);
    rest = connect.rest().serverUrl().toString().replaceAll("/$", "");
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }

  void createTopic(String name, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
  }

  HttpResponse<String> request(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(rest + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A consumer of the whole topic from the beginning. */
  KafkaConsumer<byte[], byte[]> consumer(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "kcdc-it-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    c.subscribe(Set.of(topic));
    return c;
  }

  /**
   * The JSON config of a TiCDC source connector with two tasks, reading {@code pdAddress} from
   * {@code startTs} for the tables {@code rule} matches, into {@code topic} with {@code partitions}.
   */
  static String connectorConfig(String changefeed, String pdAddress, long startTs, String rule, String topic, int partitions) {
    return """
        {"connector.class": "io.kcdc.connector.TiCdcSourceConnector",
         "tasks.max": "2",
         "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
         "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
         "changefeed.id": "%s",
         "pd.addresses": "%s",
         "start.ts": "%d",
         "filter.rules": "[\\"%s\\"]",
         "topic": "%s",
         "topic.partitions": "%d",
         "kv.resolved.ts.interval.ms": "100"}
        """.formatted(changefeed, pdAddress, startTs, rule, topic, partitions);
  }

  /** One decoded record of the internal topic; task checkpoints (no key) have table id -1. */
  record Decoded(int partition, long tableId, InternalEvent event) {}

  static List<Decoded> poll(KafkaConsumer<byte[], byte[]> c) {
    List<Decoded> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
      out.add(new Decoded(r.partition(), r.key() == null ? -1 : InternalEvents.tableIdOf(r.key()), InternalEvents.deserialize(r.value())));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      connect.stop();
      connect.awaitStop();
    } finally {
      kafka.close();
    }
  }
}
