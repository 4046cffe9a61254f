package io.kcdc.gateway.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcdc.common.config.ReplicaConfig;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Pure functions over {@link ReplicaConfig} as JSON: create-time merging onto the defaults, the
 * snake_case (API) to kebab-case (etcd) renaming, and pruning of fields a sink does not use.
 */
public final class ReplicaConfigs {
  /**
   * API names whose etcd name is not the plain kebab form (docs/api-v2.md#api-and-etcd-names).
   */
  private static final Map<String, String> API_TO_ETCD =
      Map.of("file_index_width", "file-index-digit", "advance_timeout", "advance-timeout-in-sec");

  private static final Map<String, String> ETCD_TO_API =
      Map.of(
          "file-index-digit", "file_index_width",
          "advance-timeout-in-sec", "advance_timeout",
          "send-all-bootstrap-at-start", "send-all-bootstrap-at-start");

  /** Pulsar's sub-config is kebab-case in both shapes. */
  private static final String PULSAR_API = "pulsar_config";

  private static final String PULSAR_ETCD = "pulsar-config";

  private static final Set<String> MQ_SCHEMES =
      Set.of("kafka", "kafka+ssl", "pulsar", "pulsar+ssl", "pulsar+http", "pulsar+https");
  private static final Set<String> STORAGE_SCHEMES =
      Set.of("s3", "file", "gcs", "gs", "azblob", "azure", "noop");
  private static final Set<String> MYSQL_SCHEMES = Set.of("mysql", "mysql+ssl", "tidb", "tidb+ssl");

  private ReplicaConfigs() {}

  /** The defaults as an API-shaped JSON tree (a fresh copy). */
  public static ObjectNode defaultsTree() {
    return Json.MAPPER.valueToTree(ReplicaConfig.DEFAULT);
  }

  /**
   * Create semantics (docs/api-v2.md#create-and-update-semantics): the request is decoded into the
   * defaults, so nested objects merge field by field while arrays and scalars replace; a
   * {@code memory_quota} of 0 means the default.
   *
   * @throws IllegalArgumentException if the request does not bind (wrong types, bad durations)
   */
  public static ReplicaConfig mergeOnDefaults(JsonNode request) {
    ObjectNode merged = defaultsTree();
    if (request != null && !request.isNull()) {
      if (!request.isObject()) {
        throw new IllegalArgumentException(
            "json: cannot unmarshal " + request.getNodeType().name().toLowerCase()
                + " into Go struct field ChangefeedConfig.replica_config of type v2.ReplicaConfig");
      }
      deepMerge(merged, (ObjectNode) request);
    }
    ReplicaConfig config = bind(merged);
    if (config.memoryQuota() == null || config.memoryQuota() == 0) {
      merged.put("memory_quota", ReplicaConfig.DEFAULT_MEMORY_QUOTA);
      config = bind(merged);
    }
    return config;
  }

  /** Top-level fields that are plain Go values in the API model: an omitted one is its zero value on update. */
  private static final Set<String> UPDATE_PLAIN_BOOLS =
      Set.of("case_sensitive", "force_replicate", "ignore_ineligible_table", "check_gc_safe_point");

  /** Top-level Go pointers copied as they are ({@code nil} when omitted) on update. */
  private static final Set<String> UPDATE_COPIED =
      Set.of("enable_sync_point", "enable_table_monitor", "bdr_mode", "sql_mode");

  /**
   * Update semantics (docs/api-v2.md#create-and-update-semantics, TiCDC's
   * {@code ToInternalReplicaConfig}): the request replaces the stored config. It starts from the
   * defaults, not from the old config: top-level booleans the request leaves out become false
   * (their pointer forms unset), an omitted {@code memory_quota} is 0 and so the default; an
   * omitted duration or section keeps its default, and a section that is present is taken as it is,
   * without the defaults of its own fields.
   *
   * @throws IllegalArgumentException if the request does not bind
   */
  public static ReplicaConfig replaceOnDefaults(JsonNode request) {
    if (request == null || request.isNull()) {
      return ReplicaConfig.DEFAULT;
    }
    if (!request.isObject()) {
      throw new IllegalArgumentException(
          "json: cannot unmarshal " + request.getNodeType().name().toLowerCase()
              + " into Go struct field ChangefeedConfig.replica_config of type v2.ReplicaConfig");
    }
    ObjectNode out = defaultsTree();
    for (String plain : UPDATE_PLAIN_BOOLS) {
      JsonNode v = request.get(plain);
      out.set(plain, v == null || v.isNull() ? JsonNodeFactory.instance.booleanNode(false) : v.deepCopy());
    }
    for (String copied : UPDATE_COPIED) {
      JsonNode v = request.get(copied);
      if (v == null || v.isNull()) {
        out.remove(copied);
      } else {
        out.set(copied, v.deepCopy());
      }
    }
    JsonNode quota = request.get("memory_quota");
    out.set("memory_quota", quota == null || quota.isNull() ? JsonNodeFactory.instance.numberNode(0L) : quota.deepCopy());
    for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (UPDATE_PLAIN_BOOLS.contains(key) || UPDATE_COPIED.contains(key) || key.equals("memory_quota")
          || e.getValue().isNull() || !out.has(key)) {
        continue; // unknown fields are ignored, as Go's decoder does
      }
      out.set(key, e.getValue().deepCopy());
    }
    ReplicaConfig config = bind(out);
    if (config.memoryQuota() == null || config.memoryQuota() == 0) {
      out.put("memory_quota", ReplicaConfig.DEFAULT_MEMORY_QUOTA);
      config = bind(out);
    }
    return config;
  }

  /** Binds an API-shaped tree. */
  public static ReplicaConfig bind(JsonNode apiTree) {
    try {
      return Json.MAPPER.treeToValue(apiTree, ReplicaConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** Objects merge recursively; everything else (arrays, scalars) replaces; JSON nulls are skipped. */
  static void deepMerge(ObjectNode target, ObjectNode source) {
    for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = target.get(e.getKey());
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      if (existing != null && existing.isObject() && value.isObject()) {
        deepMerge((ObjectNode) existing, (ObjectNode) value);
      } else {
        target.set(e.getKey(), value.deepCopy());
      }
    }
  }

  /** API shape (snake_case) to etcd shape (kebab-case). */
  public static JsonNode toEtcd(JsonNode api) {
    return rename(api, true);
  }

  /** etcd shape (kebab-case) to API shape (snake_case). */
  public static JsonNode fromEtcd(JsonNode etcd) {
    return rename(etcd, false);
  }

  /** The API name of one etcd (and TOML file) key; Pulsar's sub-config keeps kebab-case keys. */
  public static String apiName(String etcdKey) {
    return etcdKey.equals(PULSAR_ETCD) ? PULSAR_API : ETCD_TO_API.getOrDefault(etcdKey, etcdKey.replace('-', '_'));
  }

  private static JsonNode rename(JsonNode node, boolean toEtcd) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (key.equals(toEtcd ? PULSAR_API : PULSAR_ETCD)) {
          out.set(toEtcd ? PULSAR_ETCD : PULSAR_API, e.getValue().deepCopy());
          continue;
        }
        String renamed =
            toEtcd
                ? API_TO_ETCD.getOrDefault(key, key.replace('_', '-'))
                : ETCD_TO_API.getOrDefault(key, key.replace('-', '_'));
        out.set(renamed, rename(e.getValue(), toEtcd));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> out.add(rename(n, toEtcd)));
      return out;
    }
    return node.deepCopy();
  }

  /** The scheme of a sink URI, lower-cased; empty if there is none. */
  public static String scheme(String sinkUri) {
    int i = sinkUri == null ? -1 : sinkUri.indexOf("://");
    return i <= 0 ? "" : sinkUri.substring(0, i).toLowerCase();
  }

  public static boolean isMqScheme(String scheme) {
    return MQ_SCHEMES.contains(scheme);
  }

  public static boolean isStorageScheme(String scheme) {
    return STORAGE_SCHEMES.contains(scheme);
  }

  public static boolean isMysqlScheme(String scheme) {
    return MYSQL_SCHEMES.contains(scheme);
  }

  /**
   * TiCDC's {@code RmUnusedFields} (docs/api-v2.md#pruning-by-sink-scheme) on an API-shaped tree:
   * drops the fields the sink scheme does not use. Nothing is dropped for {@code blackhole}.
   */
  public static ObjectNode prune(ObjectNode apiConfig, String scheme) {
    ObjectNode config = apiConfig.deepCopy();
    if (scheme.equals("blackhole")) {
      return config;
    }
    ObjectNode sink = config.has("sink") && config.get("sink").isObject()
        ? (ObjectNode) config.get("sink")
        : JsonNodeFactory.instance.objectNode();
    if (!isMqScheme(scheme)) {
      sink.remove(Set.of("dispatchers", "schema_registry", "encoder_concurrency",
          "enable_kafka_sink_v2", "only_output_updated_columns", "kafka_config"));
      sink.set("delete_only_output_handle_key_columns", NullNode.getInstance());
      sink.set("content_compatible", NullNode.getInstance());
    } else if (!"avro".equals(sink.path("protocol").asText(""))) {
      sink.remove("schema_registry");
    }
    if (!isStorageScheme(scheme)) {
      sink.remove(Set.of("csv", "date_separator", "enable_partition_separator", "file_index_width",
          "cloud_storage_config"));
    }
    if (!isMysqlScheme(scheme)) {
      config.remove(Set.of("enable_sync_point", "bdr_mode", "sync_point_interval",
          "sync_point_retention", "consistent"));
      sink.remove(Set.of("safe_mode", "mysql_config"));
    } else {
      sink.remove(Set.of("protocol", "terminator"));
    }
    return config;
  }
}
