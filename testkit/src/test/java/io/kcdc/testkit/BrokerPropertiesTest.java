package io.kcdc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {
  @Test
  void oneNodeIsBrokerAndControllerOnItsTwoPorts() {
    Properties p = BrokerProperties.combined("127.0.0.1", 9092, 9093, Path.of("/data/kafka"), Map.of());
    assertThat(p).containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "1")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
        .containsEntry("log.dirs", Path.of("/data/kafka").toString());
    assertThat(BrokerProperties.sessionTimeoutMs(p)).isEqualTo(9000);
  }

  @Test
  void aSplitBrokerFollowsItsOwnController() {
    Properties controller = BrokerProperties.controller("127.0.0.1", 9093, Path.of("c"), Map.of());
    Properties broker = BrokerProperties.broker("127.0.0.1", 9092, 9093, Path.of("b"), Map.of());
    assertThat(controller).containsEntry("process.roles", "controller").containsEntry("node.id", "2")
        .containsEntry("listeners", "CONTROLLER://127.0.0.1:9093")
        .containsEntry("controller.quorum.voters", "2@127.0.0.1:9093")
        .doesNotContainKey("advertised.listeners");
    assertThat(broker).containsEntry("process.roles", "broker").containsEntry("node.id", "1")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
        .containsEntry("controller.quorum.voters", "2@127.0.0.1:9093")
        .containsEntry("controller.listener.names", "CONTROLLER");
    // both sides of the broker's session: the controller fences, the broker heartbeats
    assertThat(BrokerProperties.sessionTimeoutMs(controller)).isEqualTo(3000);
    assertThat(BrokerProperties.sessionTimeoutMs(broker)).isEqualTo(3000);
    assertThat(broker).containsEntry("broker.heartbeat.interval.ms", "500");
  }

  @Test
  void singleBrokerSettingsTheTestsRelyOn() {
    for (Properties p : new Properties[] {BrokerProperties.combined("127.0.0.1", 1, 2, Path.of("d"), Map.of()),
        BrokerProperties.broker("127.0.0.1", 1, 2, Path.of("d"), Map.of())}) {
      assertThat(p).containsEntry("auto.create.topics.enable", "false")
          .containsEntry("group.initial.rebalance.delay.ms", "0")
          .containsEntry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
          .containsEntry("offsets.topic.replication.factor", "1")
          .containsEntry("transaction.state.log.replication.factor", "1")
          .containsEntry("transaction.state.log.min.isr", "1")
          .containsEntry("share.coordinator.state.topic.replication.factor", "1");
    }
  }

  @Test
  void extraPropertiesAddAndOverride() {
    Properties p = BrokerProperties.combined("localhost", 1, 2, Path.of("d"), Map.of(
        "group.min.session.timeout.ms", "500",
        "listener.security.protocol.map", "PLAINTEXT:SSL,CONTROLLER:PLAINTEXT"));
    assertThat(p).containsEntry("group.min.session.timeout.ms", "500")
        .containsEntry("listener.security.protocol.map", "PLAINTEXT:SSL,CONTROLLER:PLAINTEXT")
        .containsEntry("advertised.listeners", "PLAINTEXT://localhost:1");
    Properties broker = BrokerProperties.broker("127.0.0.1", 1, 2, Path.of("d"), Map.of("broker.session.timeout.ms", "6000"));
    assertThat(BrokerProperties.sessionTimeoutMs(broker)).isEqualTo(6000);
  }
}
