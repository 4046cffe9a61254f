package io.kcdc.testkit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * {@code kafka-storage format} for a node of the single-node cluster: a KRaft node refuses to
 * start on an unformatted log dir, and a formatted one (it has {@code meta.properties}) is kept as
 * it is, so a restarted node finds its topics, offsets and transactions again.
 */
final class KafkaStorage {
  private KafkaStorage() {}

  static void formatIfNew(Path logDir, int nodeId, String clusterId) throws Exception {
    Files.createDirectories(logDir);
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(nodeId)
        .setClusterId(clusterId)
        .setDirectories(List.of(logDir.toString()))
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .run();
  }
}
