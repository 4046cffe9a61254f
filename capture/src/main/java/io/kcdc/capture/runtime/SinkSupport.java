package io.kcdc.capture.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.Ddl;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.ReplicaConfig;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.streams.filter.EventFilterConfig;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkConfig;
import io.kcdc.streams.sink.SinkConfigException;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.progress.CheckpointEmitter;
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
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private final String bootstrapServers;
  final String clusterId;
  private final short replicationFactor;
  private final String captureAddr;
  private final Map<String, Emitter> emitters = new ConcurrentHashMap<>();

  /** A changefeed's sink producer and router, built from {@code sinkUri} and {@code sink} (the API's sink section). */
  private record Emitter(String sinkUri, ReplicaConfig.SinkConfig sink, boolean caseSensitive, CheckpointEmitter emitter,
      EventRouter router) {
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
    this.bootstrapServers = bootstrapServers;
    this.clusterId = clusterId;
    this.replicationFactor = replicationFactor;
    this.captureAddr = captureAddr == null ? "" : captureAddr;
  }

  public SinkUri uri(ChangefeedInfo info) {
    return SinkUri.parse(info.sinkUri());
  }

  /** The API-shaped {@code sink} section bound to the streams app's model. */
  public SinkConfig sinkConfig(ChangefeedInfo info) {
    if (info.config() == null || info.config().sink() == null) {
      return SinkConfig.empty();
    }
    JsonNode api = Json.MAPPER.valueToTree(info.config().sink());
    try {
      return PLAIN.treeToValue(api, SinkConfig.class);
    } catch (Exception e) {
      throw new SinkConfigException(SinkConfigException.SINK_INVALID_CONFIG, e.getMessage(), e);
    }
  }

  /** The API-shaped {@code filter} section's event filters and ignored start ts, bound to the streams app's model. */
  public EventFilterConfig eventFilter(ChangefeedInfo info) {
    if (info.config() == null || info.config().filter() == null) {
      return EventFilterConfig.empty();
    }
    JsonNode api = Json.MAPPER.valueToTree(info.config().filter());
    try {
      return PLAIN.treeToValue(api, EventFilterConfig.class);
    } catch (Exception e) {
      throw new SinkConfigException(EventFilter.FILTER_RULE_INVALID, "filter rule is invalid " + e.getMessage(), e);
    }
  }

  boolean caseSensitive(ChangefeedInfo info) {
    return caseSensitiveOf(info);
  }

  private static boolean caseSensitiveOf(ChangefeedInfo info) {
    return info.config() != null && Boolean.TRUE.equals(info.config().caseSensitive());
  }

  private static ReplicaConfig.SinkConfig sinkSection(ChangefeedInfo info) {
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
        Map.of(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(clusterId, info)))
        .withEventFilter(eventFilter(info))
        .withClientIdentity(info.namespace(), captureAddr);
  }

  /**
   * {@code cdc-<cluster>-<changefeed>.<create time>}: the creation time keeps a changefeed that
   * is removed and created again under the same id from inheriting its predecessor's sorter
   * state (released resolved ts, changelogs) and consumer offsets.
   */
  static String applicationId(String clusterId, ChangefeedInfo info) {
    long created = info.createTime() == null ? 0 : info.createTime().toInstant().toEpochMilli();
    return streamsPrefix(clusterId, info.id()) + created;
  }

  /**
   * Prefix of every incarnation's application id (and so of its internal topics); the dot
   * cannot occur in a changefeed id, so {@code cf1} does not match {@code cf1-x}'s apps.
   */
  static String streamsPrefix(String clusterId, String changefeedId) {
    return "cdc-" + clusterId + "-" + changefeedId + ".";
  }

  /**
   * Broadcasts the checkpoint to every partition of the changefeed's default topic and of the
   * topics its tables are dispatched to (TiCDC's {@code WriteCheckpointTs}).
   */
  public void emitCheckpoint(ChangefeedInfo info, long checkpointTs, List<TableName> tables) {
    Emitter e = emitter(info);
    if (e == null) {
      return;
    }
    Set<String> topics = new LinkedHashSet<>();
    tables.forEach(t -> topics.add(e.router().topic(t.schema(), t.table())));
    e.emitter().emit(checkpointTs, topics);
  }

  /** Writes a DDL event to its topic and waits for the acks (TiCDC's {@code WriteDDLEvent}). */
  public void emitDdl(ChangefeedInfo info, Ddl ddl) {
    Emitter e = emitter(info);
    if (e != null) {
      e.emitter().emitDdl(ddl, e.router());
    }
  }

  /** The changefeed's sink producer, or null for the blackhole sink. */
  private Emitter emitter(ChangefeedInfo info) {
    SinkUri uri = uri(info);
    if (uri.isBlackhole()) {
      return null;
    }
    String key = info.namespace() + "/" + info.id();
    Emitter e = emitters.get(key);
    if (e == null || !e.builtFrom(info)) {
      // An updated changefeed (new URI, dispatchers, protocol...) writes with a new producer and router.
      if (e != null) {
        e.emitter().close();
      }
      KafkaSinkOptions options = KafkaSinkOptions.of(uri, sinkConfig(info), caseSensitive(info));
      e = new Emitter(info.sinkUri(), sinkSection(info), caseSensitive(info), new CheckpointEmitter(options,
          options.client().clientId(captureAddr, info.namespace(), info.id()), Map.of()),
          EventRouter.of(options));
      emitters.put(key, e);
    }
    return e;
  }

  /** Forgets a removed changefeed's producer. */
  public void forget(String namespace, String id) {
    Emitter e = emitters.remove(namespace + "/" + id);
    if (e != null) {
      e.emitter().close();
    }
  }

  @Override
  public void close() {
    emitters.values().forEach(e -> e.emitter().close());
    emitters.clear();
  }
}
