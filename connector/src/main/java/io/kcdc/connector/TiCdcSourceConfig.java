package io.kcdc.connector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.TableFilter;
import io.kcdc.common.security.Credential;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of the TiCDC source connector and its tasks. The changefeed owner writes it;
 * the keys are a contract with it.
 */
public final class TiCdcSourceConfig extends AbstractConfig {
  public static final String CHANGEFEED_ID = "changefeed.id";
  public static final String CHANGEFEED_NAMESPACE = "changefeed.namespace";
  public static final String PD_ADDRESSES = "pd.addresses";
  public static final String START_TS = "start.ts";
  public static final String FILTER_RULES = "filter.rules";
  public static final String FILTER_CASE_SENSITIVE = "filter.case.sensitive";
  public static final String FORCE_REPLICATE = "force.replicate";
  public static final String TOPIC = "topic";
  public static final String TOPIC_PARTITIONS = "topic.partitions";
  public static final String RESOLVED_TS_INTERVAL_MS = "kv.resolved.ts.interval.ms";
  public static final String MEMORY_QUOTA_BYTES = "memory.quota.bytes";
  /** TiCDC's {@code --ca/--cert/--key/--cert-allowed-cn} for the PD and TiKV channels (docs/security.md). */
  public static final String TLS_CA_PATH = "tls.ca.path";
  public static final String TLS_CERT_PATH = "tls.cert.path";
  public static final String TLS_KEY_PATH = "tls.key.path";
  public static final String TLS_CERT_ALLOWED_CN = "tls.cert.allowed.cn";
  /** Set by the connector on each task: its index and the task count (tables are assigned by id). */
  public static final String TASK_INDEX = "task.index";
  public static final String TASK_COUNT = "task.count";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every connector setting, in documentation order. */
  public static final List<ConfigField> FIELDS = List.of(
      new ConfigField(CHANGEFEED_ID, Type.STRING, ConfigField.REQUIRED, new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Id of the changefeed this connector captures for."),
      new ConfigField(CHANGEFEED_NAMESPACE, Type.STRING, "default", new ConfigDef.NonEmptyString(), Importance.LOW,
          "Namespace of the changefeed."),
      new ConfigField(PD_ADDRESSES, Type.LIST, ConfigField.REQUIRED, nonEmptyList(), Importance.HIGH,
          "Comma separated PD endpoints (host:port or http://host:port) of the upstream TiDB cluster."),
      new ConfigField(START_TS, Type.LONG, ConfigField.REQUIRED, ConfigDef.Range.atLeast(1), Importance.HIGH,
          "PD TSO to replicate from: changes committed after it are captured. Tables with a stored offset resume from it."),
      new ConfigField(FILTER_RULES, Type.STRING, "[\"*.*\"]", ConfigDef.LambdaValidator.with(TiCdcSourceConfig::validateRules,
          () -> "JSON array of TiDB table filter rules"), Importance.MEDIUM,
          "JSON array of TiDB table filter rules selecting the tables to capture."),
      new ConfigField(FILTER_CASE_SENSITIVE, Type.BOOLEAN, false, null, Importance.LOW,
          "Whether filter rules match schema and table names case-sensitively."),
      new ConfigField(FORCE_REPLICATE, Type.BOOLEAN, false, null, Importance.LOW,
          "Also capture tables without a primary key or NOT NULL unique key."),
      new ConfigField(TOPIC, Type.STRING, ConfigField.REQUIRED, new ConfigDef.NonEmptyString(), Importance.HIGH,
          "The changefeed's internal topic the InternalEvent records are written to."),
      new ConfigField(TOPIC_PARTITIONS, Type.INT, ConfigField.REQUIRED, ConfigDef.Range.atLeast(1), Importance.HIGH,
          "Partition count of the internal topic; all records of a table go to one partition."),
      new ConfigField(RESOLVED_TS_INTERVAL_MS, Type.LONG, 100L, ConfigDef.Range.atLeast(10), Importance.LOW,
          "How often a table's resolved ts is emitted when it advanced."),
      new ConfigField(MEMORY_QUOTA_BYTES, Type.LONG, 64L << 20, ConfigDef.Range.atLeast(1 << 16), Importance.LOW,
          "Bytes of pulled changes a task buffers before it stops reading from TiKV."),
      new ConfigField(TLS_CA_PATH, Type.STRING, "", null, Importance.MEDIUM,
          "PEM file of the CA that signed the PD and TiKV certificates. With tls.cert.path and tls.key.path (all three or none) PD and TiKV are reached over TLS."),
      new ConfigField(TLS_CERT_PATH, Type.STRING, "", null, Importance.MEDIUM,
          "PEM certificate the connector presents to PD and TiKV."),
      new ConfigField(TLS_KEY_PATH, Type.STRING, "", null, Importance.MEDIUM,
          "PEM (PKCS#8) private key of tls.cert.path."),
      new ConfigField(TLS_CERT_ALLOWED_CN, Type.LIST, "", null, Importance.LOW,
          "When not empty, PD and TiKV certificates must carry one of these Common Names."),
      new ConfigField(TASK_INDEX, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.LOW,
          "Set by the connector for each task: the task's index. A task captures the tables whose id modulo the task count is its index, including tables created later."),
      new ConfigField(TASK_COUNT, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.LOW,
          "Set by the connector for each task: how many tasks share the changefeed's tables."));

  public static final ConfigDef CONFIG_DEF = configDef();

  private static ConfigDef configDef() {
    ConfigDef def = new ConfigDef();
    FIELDS.forEach(f -> f.define(def));
    return def;
  }

  private static ConfigDef.Validator nonEmptyList() {
    // named, so the generated config reference shows it (ConfigReference)
    return ConfigDef.LambdaValidator.with((name, value) -> {
      if (value == null || ((List<?>) value).isEmpty()) {
        throw new ConfigException(name, value, "must not be empty");
      }
    }, () -> "non-empty list");
  }

  private static void validateRules(String name, Object value) {
    try {
      TableFilter.parse(parseRules((String) value), false);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }

  static List<String> parseRules(String json) {
    try {
      List<String> rules = JSON.readValue(json, new TypeReference<List<String>>() { });
      if (rules == null || rules.isEmpty() || rules.stream().anyMatch(r -> r == null || r.isBlank())) {
        throw new IllegalArgumentException("must be a non-empty JSON array of non-blank strings");
      }
      return List.copyOf(rules);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON array of strings: " + e.getOriginalMessage());
    }
  }

  public TiCdcSourceConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
  }

  public String changefeedId() {
    return getString(CHANGEFEED_ID);
  }

  public String namespace() {
    return getString(CHANGEFEED_NAMESPACE);
  }

  public List<String> pdAddresses() {
    return getList(PD_ADDRESSES);
  }

  /**
   * The credential for PD and TiKV; {@link Credential#NONE} for plain text.
   *
   * @throws io.kcdc.common.security.TlsConfigException if the files are incomplete or unusable
   */
  public Credential credential() {
    return new Credential(getString(TLS_CA_PATH), getString(TLS_CERT_PATH), getString(TLS_KEY_PATH),
        getList(TLS_CERT_ALLOWED_CN)).validate();
  }

  public long startTs() {
    return getLong(START_TS);
  }

  public List<String> filterRules() {
    return parseRules(getString(FILTER_RULES));
  }

  public boolean caseSensitive() {
    return getBoolean(FILTER_CASE_SENSITIVE);
  }

  public boolean forceReplicate() {
    return getBoolean(FORCE_REPLICATE);
  }

  public String topic() {
    return getString(TOPIC);
  }

  public int topicPartitions() {
    return getInt(TOPIC_PARTITIONS);
  }

  public long resolvedTsIntervalMs() {
    return getLong(RESOLVED_TS_INTERVAL_MS);
  }

  public long memoryQuotaBytes() {
    return getLong(MEMORY_QUOTA_BYTES);
  }

  public int taskIndex() {
    return getInt(TASK_INDEX);
  }

  public int taskCount() {
    return getInt(TASK_COUNT);
  }

  /** The setting names, for docs and tests. */
  public static List<String> names() {
    return FIELDS.stream().map(ConfigField::name).toList();
  }

  /** A Markdown table of the settings, generated from {@link #FIELDS}. */
  public static String docs() {
    StringBuilder sb = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
    for (ConfigField f : FIELDS) {
      String dflt = f.defaultValue() == ConfigField.REQUIRED ? "(required)" : String.valueOf(f.defaultValue());
      sb.append("| `").append(f.name()).append("` | ").append(f.type().name().toLowerCase()).append(" | ")
          .append(dflt).append(" | ").append(f.doc()).append(" |\n");
    }
    return sb.toString();
  }

  /** The filter the rules describe. */
  public TableFilter tableFilter() {
    return TableFilter.parse(filterRules(), caseSensitive());
  }

}
