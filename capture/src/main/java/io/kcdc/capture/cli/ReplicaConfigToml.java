package io.kcdc.capture.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.ReplicaConfigs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * TiCDC's changefeed config file ({@code cdc cli changefeed create --config}): TOML with the
 * kebab-case keys of TiCDC's {@code config.ReplicaConfig}, turned into the OpenAPI v2
 * {@code replica_config} JSON. Keys TiCDC does not know are refused the way TiCDC's strict decoding
 * refuses them (docs/cli.md#config-file).
 */
public final class ReplicaConfigToml {
  private static final TomlMapper TOML = new TomlMapper();

  private ReplicaConfigToml() {}

  /**
   * The file's content as an API-shaped replica config.
   *
   * @param file the file name, only for messages
   * @throws IllegalArgumentException for TOML syntax errors, unknown keys and rules TiCDC refuses
   */
  public static ObjectNode toApi(String toml, String file) {
    JsonNode tree;
    try {
      tree = TOML.readTree(toml);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    collectUnknown(tree, Json.MAPPER.constructType(ReplicaConfig.class), "", unknown);
    if (!unknown.isEmpty()) {
      // TiCDC's pkg/cmd/util StrictDecodeFile, component "TiCDC changefeed".
      throw new IllegalArgumentException("component TiCDC changefeed's config file " + file
          + " contained unknown configuration options: " + String.join(", ", unknown));
    }
    ObjectNode api = (ObjectNode) ReplicaConfigs.fromEtcd(tree);
    foldDispatcherAlias(api);
    return api;
  }

  /**
   * A config file of {@code changefeed update --config}: TiCDC's TOML, or (as this CLI took before) the API's JSON form
   * when the file is a JSON object.
   */
  public static ObjectNode fileToApi(String content, String file) {
    if (content.stripLeading().startsWith("{")) {
      try {
        return (ObjectNode) Json.MAPPER.readTree(content);
      } catch (JacksonException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    return toApi(content, file);
  }

  /** Walks the TOML tree along the config's record types; keys without a property are unknown. */
  private static void collectUnknown(JsonNode node, JavaType type, String path, List<String> unknown) {
    if (node.isArray() && type.isCollectionLikeType()) {
      node.forEach(n -> collectUnknown(n, type.getContentType(), path, unknown));
      return;
    }
    if (!node.isObject() || !type.isRecordType()) {
      return; // scalars, and the free-form sub-configs (pulsar-config, mysql-config, cloud-storage-config)
    }
    List<BeanPropertyDefinition> props =
        Json.MAPPER.getDeserializationConfig().introspect(type).findProperties();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      String api = ReplicaConfigs.apiName(key);
      String at = path.isEmpty() ? key : path + "." + key;
      if (isDispatcherAlias(type, key)) {
        continue;
      }
      props.stream().filter(p -> p.getName().equals(api)).findFirst().ifPresentOrElse(
          p -> collectUnknown(e.getValue(), p.getPrimaryType(), at, unknown),
          () -> unknown.add(at));
    }
  }

  /** TiCDC's deprecated {@code dispatcher} key of a dispatch rule (pkg/config/sink.go). */
  private static boolean isDispatcherAlias(JavaType type, String key) {
    return key.equals("dispatcher") && type.getRawClass() == ReplicaConfig.DispatchRule.class;
  }

  /** As TiCDC's SinkConfig.validate: {@code dispatcher} becomes {@code partition}; both set is refused. */
  private static void foldDispatcherAlias(ObjectNode api) {
    for (JsonNode rule : api.path("sink").path("dispatchers")) {
      if (rule instanceof ObjectNode r && r.has("dispatcher")) {
        JsonNode alias = r.remove("dispatcher");
        if (!alias.asText().isEmpty() && !r.path("partition").asText().isEmpty()) {
          CdcException e = CdcError.SINK_INVALID_CONFIG.wrap(
              new IllegalArgumentException("dispatcher and partition cannot be configured both for rule:" + r));
          throw new IllegalArgumentException(e.errorMsg(), e);
        }
        if (!alias.asText().isEmpty()) {
          r.set("partition", alias);
        }
      }
    }
  }
}
