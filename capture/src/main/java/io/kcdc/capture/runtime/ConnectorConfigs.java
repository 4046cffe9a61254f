package io.kcdc.capture.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.TableFilter;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.connector.TableSelection;
import io.kcdc.connector.TiCdcSourceConfig;
import io.kcdc.connector.TiCdcSourceConnector;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.streams.ChangefeedNames;
import io.kcdc.streams.ChangefeedStreams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping from a changefeed (its etcd info) to the Kafka Connect config of its source
 * connector. Pure, so the owner's desired state is easy to compare with what Connect runs.
 */
public final class ConnectorConfigs {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Keys whose change alone does not need the connector to be reconfigured. */
  static final List<String> START_ONLY_KEYS = List.of(TiCdcSourceConfig.START_TS);

  static final long MAX_TASK_BUFFER = 256L << 20;

  private ConnectorConfigs() {}

  /** Connect connector name of a changefeed. */
  public static String connectorName(String namespace, String changefeedId) {
    return new ChangefeedNames("", namespace, changefeedId).connectorName();
  }

  /**
   * @param startTs where tables without a source offset start (the changefeed checkpoint)
   * @param rowPartitions partition count of the internal rows topic
   */
  public static Map<String, String> of(
      ChangefeedInfo info, List<String> pdAddresses, long startTs, int rowPartitions, int tasksMax) {
    return of(info, pdAddresses, io.kcdc.common.security.Credential.NONE, startTs, rowPartitions, tasksMax);
  }

  /** {@link #of} with the server's credential for PD and TiKV (set only when it has paths). */
  public static Map<String, String> of(ChangefeedInfo info, List<String> pdAddresses, io.kcdc.common.security.Credential security,
      long startTs, int rowPartitions, int tasksMax) {
    ReplicaConfig rc = info.config() == null ? ReplicaConfig.DEFAULT : info.config();
    List<String> rules = rc.filterRules();
    Map<String, String> c = new LinkedHashMap<>();
    c.put("connector.class", TiCdcSourceConnector.class.getName());
    c.put("tasks.max", Integer.toString(tasksMax));
    c.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    c.put("exactly.once.support", "required");
    c.put("transaction.boundary", "poll");
    // rows as large as TiDB allows; a worker's default client override policy ("All" since Kafka 3.0) accepts it
    c.put("producer.override.max.request.size", Integer.toString(ChangefeedStreams.INTERNAL_RECORD_MAX_BYTES));
    // larger batches to the internal topic: fewer requests for the broker to handle per row (docs/catch-up.md)
    c.put("producer.override.batch.size", Integer.toString(256 * 1024));
    c.put("producer.override.linger.ms", "10");
    c.put(TiCdcSourceConfig.CHANGEFEED_ID, info.id());
    c.put(TiCdcSourceConfig.CHANGEFEED_NAMESPACE, info.namespace());
    c.put(TiCdcSourceConfig.PD_ADDRESSES, String.join(",", pdAddresses));
    if (!security.isEmpty()) {
      c.put(TiCdcSourceConfig.TLS_CA_PATH, security.caPath());
      c.put(TiCdcSourceConfig.TLS_CERT_PATH, security.certPath());
      c.put(TiCdcSourceConfig.TLS_KEY_PATH, security.keyPath());
      c.put(TiCdcSourceConfig.TLS_CERT_ALLOWED_CN, String.join(",", security.certAllowedCn()));
    }
    c.put(TiCdcSourceConfig.START_TS, Long.toUnsignedString(startTs));
    c.put(TiCdcSourceConfig.FILTER_RULES, toJson(rules));
    c.put(TiCdcSourceConfig.FILTER_CASE_SENSITIVE, Boolean.toString(Boolean.TRUE.equals(rc.caseSensitive())));
    c.put(TiCdcSourceConfig.FORCE_REPLICATE, Boolean.toString(Boolean.TRUE.equals(rc.forceReplicate())));
    c.put(TiCdcSourceConfig.TOPIC, InternalTopics.rows(info.namespace(), info.id()));
    c.put(TiCdcSourceConfig.TOPIC_PARTITIONS, Integer.toString(rowPartitions));
    long quota = rc.memoryQuota() == null || rc.memoryQuota() <= 0 ? ReplicaConfig.DEFAULT_MEMORY_QUOTA : rc.memoryQuota();
    // memory_quota is per changefeed; each task buffers its share, capped so that a default
    // 1 GiB quota does not let one task claim most of a capture's heap.
    c.put(TiCdcSourceConfig.MEMORY_QUOTA_BYTES, Long.toString(Math.min(quota / tasksMax, MAX_TASK_BUFFER)));
    return c;
  }

  /** The tables the changefeed replicates (the same rule its connector tasks apply). */
  public static TableSelection selection(ChangefeedInfo info) {
    ReplicaConfig rc = info.config() == null ? ReplicaConfig.DEFAULT : info.config();
    List<String> rules = rc.filterRules();
    return new TableSelection(TableFilter.parse(rules, Boolean.TRUE.equals(rc.caseSensitive())),
        Boolean.TRUE.equals(rc.forceReplicate()));
  }

  /** True if {@code running} already does what {@code desired} asks (start ts aside). */
  public static boolean sameExceptStart(Map<String, String> running, Map<String, String> desired) {
    Map<String, String> a = new LinkedHashMap<>(running);
    Map<String, String> b = new LinkedHashMap<>(desired);
    a.remove("name");
    for (String k : START_ONLY_KEYS) {
      a.remove(k);
      b.remove(k);
    }
    return a.equals(b);
  }

  private static String toJson(List<String> rules) {
    try {
      return JSON.writeValueAsString(rules);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
