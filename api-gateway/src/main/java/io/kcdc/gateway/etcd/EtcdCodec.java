package io.kcdc.gateway.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.ReplicaConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON values TiCDC keeps in etcd: kebab-case, every field present. */
public final class EtcdCodec {
  private EtcdCodec() {}

  public static byte[] encodeInfo(ChangefeedInfo info) {
    ObjectNode tree = Json.MAPPER.valueToTree(info);
    JsonNode config = tree.get("config");
    if (config != null && !config.isNull()) {
      tree.set("config", ReplicaConfigs.toEtcd(config));
    }
    return Json.compact(tree);
  }

  public static ChangefeedInfo decodeInfo(byte[] value) {
    try {
      ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(value);
      JsonNode config = tree.get("config");
      if (config != null && !config.isNull()) {
        tree.set("config", ReplicaConfigs.fromEtcd(config));
      }
      return Json.MAPPER.treeToValue(tree, ChangefeedInfo.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] encode(Object value) {
    return Json.compact(value);
  }

  public static <T> T decode(byte[] value, Class<T> type) {
    return Json.read(value, type);
  }
}
