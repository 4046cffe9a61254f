package io.kcdc.capture.runtime;

import io.kcdc.capture.owner.DdlSink;
import io.kcdc.common.config.ReplicaConfig.FilterConfig;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.gateway.api.SinkUris;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.streams.ChangefeedNames;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.sink.TopicManager;
import java.util.Optional;
import org.apache.kafka.streams.StreamsConfig;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Translates a changefeed's sink URI and {@code replica_config.sink} into the streams app's
 * terms, and writes the owner's checkpoint events to the sink.
 */
public final class SinkSupport implements AutoCloseable {
  private final String bootstrapServers;
  final String clusterId;
  private final short replicationFactor;
  private final String captureAddr;
  private final Failover failover;
  private final Map<String, Routing> routers = new ConcurrentHashMap<>();

  /** A changefeed's router, built from {@code sinkUri} and {@code sink} (the API's sink section). */
  private record Routing(String sinkUri, SinkConfig sink, boolean caseSensitive, EventRouter router) {
    boolean builtFrom(ChangefeedInfo info) {
      return sinkUri.equals(info.sinkUri()) && java.util.Objects.equals(sink, sinkSection(info))
          && caseSensitive == SinkSupport.caseSensitiveOf(info);
    }
  }

  /** A replicated table, for the checkpoint's topics. */
  public record TableName(String schema, String table) {}

  public SinkSupport(String bootstrapServers, String clusterId, short replicationFactor) {
    this(bootstrapServers, clusterId, replicationFactor, "");
  }

  /** @param captureAddr this capture's advertised address: it names the sink's Kafka clients */
  public SinkSupport(String bootstrapServers, String clusterId, short replicationFactor, String captureAddr) {
    this(bootstrapServers, clusterId, replicationFactor, captureAddr, Failover.DEFAULT);
  }

  /** @param failover the group timeouts of the Streams apps */
  public SinkSupport(String bootstrapServers, String clusterId, short replicationFactor, String captureAddr,
      Failover failover) {
    this.failover = failover;
    this.bootstrapServers = bootstrapServers;
    this.clusterId = clusterId;
    this.replicationFactor = replicationFactor;
    this.captureAddr = captureAddr == null ? "" : captureAddr;
  }

  public SinkUri uri(ChangefeedInfo info) {
    // The replica config's sink.protocol applies when the URI names none (docs/kafka-sink.md#protocol).
    return SinkUri.parse(SinkUris.withProtocol(info.sinkUri(), info.config()));
  }

  /** The changefeed's {@code sink} section, as the streams app reads it; empty when unset. */
  public SinkConfig sinkConfig(ChangefeedInfo info) {
    SinkConfig sink = sinkSection(info);
    return sink == null ? SinkConfig.empty() : sink;
  }

  /** The changefeed's {@code filter} section, whose event filters and ignored start ts the streams app applies. */
  public FilterConfig eventFilter(ChangefeedInfo info) {
    return info.config() == null ? null : info.config().filter();
  }

  boolean caseSensitive(ChangefeedInfo info) {
    return caseSensitiveOf(info);
  }

  private static boolean caseSensitiveOf(ChangefeedInfo info) {
    return info.config() != null && Boolean.TRUE.equals(info.config().caseSensitive());
  }

  private static SinkConfig sinkSection(ChangefeedInfo info) {
    return info.config() == null ? null : info.config().sink();
  }

  /**
   * Everything the sink side can check without touching Kafka, and the event filters as the streams app
   * parses them (value expressions → {@code CDC:ErrInvalidFilterExpression}). Expression columns are not
   * checked against the upstream tables here: that needs the schema at the start ts.
   */
  public void validate(ChangefeedInfo info) {
    EventFilter.of(eventFilter(info));
    SinkUri uri = uri(info);
    if (uri.isBlackhole()) {
      return;
    }
    // A sink on another Kafka cluster is written at-least-once by the streams app's own producer.
    KafkaSinkOptions.of(uri, sinkConfig(info), caseSensitive(info));
  }

  /** Settings of the changefeed's Streams app on this capture. */
  public ChangefeedStreams.Config streamsConfig(ChangefeedInfo info, Path stateDir) {
    ChangefeedStreams.Config base =
        ChangefeedStreams.Config.of(bootstrapServers, clusterId, info.id(), stateDir, uri(info), sinkConfig(info));
    return new ChangefeedStreams.Config(
        base.bootstrapServers(), base.clusterId(), base.changefeedId(), base.stateDir(), base.sinkUri(),
        base.sinkConfig(), caseSensitive(info), base.processingGuarantee(), replicationFactor,
        streamsOverrides(info))
        .withEventFilter(eventFilter(info))
        .withClientIdentity(info.namespace(), captureAddr);
  }

  private Map<String, Object> streamsOverrides(ChangefeedInfo info) {
    Map<String, Object> p = new java.util.HashMap<>(failover.streamsProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(clusterId, info));
    return p;
  }

  /** The changefeed's Kafka-side names in this capture's cluster. */
  public ChangefeedNames names(String namespace, String changefeedId) {
    return new ChangefeedNames(clusterId, namespace, changefeedId);
  }

  /** The Streams {@code application.id} of this incarnation of the changefeed (creation time, start ts). */
  static String applicationId(String clusterId, ChangefeedInfo info) {
    long created = info.createTime() == null ? 0 : info.createTime().toInstant().toEpochMilli();
    return new ChangefeedNames(clusterId, info.namespace(), info.id()).applicationId(created, info.startTs());
  }

  /**
   * Where the owner of a changefeed writes ({@link DdlSink}): barriers to {@code rowsTopic}, DDL marks to
   * {@code progressTopic}, DDL and checkpoint events to the sink, with a transactional id of the changefeed's own.
   */
  public DdlSink.Target ownerTarget(ChangefeedInfo info, String rowsTopic, int rowPartitions, String progressTopic) {
    SinkUri uri = uri(info);
    Optional<KafkaSinkOptions> sink = uri.isBlackhole()
        ? Optional.empty()
        : Optional.of(KafkaSinkOptions.of(uri, sinkConfig(info), caseSensitive(info)));
    String clientId = sink.map(o -> o.client().clientId(captureAddr, info.namespace(), info.id())).orElse(null);
    boolean sameCluster = false;
    if (sink.isPresent()) {
      try (TopicManager topics = new TopicManager(sink.get(), sink.get().client().adminProperties(clientId))) {
        sameCluster = topics.isOn(bootstrapServers);
      }
    }
    return new DdlSink.Target(bootstrapServers, names(info.namespace(), info.id()).ownerTransactionalId(), rowsTopic,
        rowPartitions,
        progressTopic, sink, sameCluster, clientId, info.sinkUri());
  }

  /** The topics of the given tables under the changefeed's topic dispatchers (the default topic aside). */
  public List<String> topicsOf(ChangefeedInfo info, List<TableName> tables) {
    if (uri(info).isBlackhole()) {
      return List.of();
    }
    String key = info.namespace() + "/" + info.id();
    Routing r = routers.get(key);
    if (r == null || !r.builtFrom(info)) {
      r = new Routing(info.sinkUri(), sinkSection(info), caseSensitive(info),
          EventRouter.of(KafkaSinkOptions.of(uri(info), sinkConfig(info), caseSensitive(info))));
      routers.put(key, r);
    }
    Set<String> topics = new LinkedHashSet<>();
    for (TableName t : tables) {
      topics.add(r.router().topic(t.schema(), t.table()));
    }
    return List.copyOf(topics);
  }

  /** Forgets a removed changefeed's router. */
  public void forget(String namespace, String id) {
    routers.remove(namespace + "/" + id);
  }

  @Override
  public void close() {
    routers.clear();
  }
}
