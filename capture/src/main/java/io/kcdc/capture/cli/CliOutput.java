package io.kcdc.capture.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcdc.gateway.model.Json;
import java.nio.charset.StandardCharsets;

/** How TiCDC's CLI prints answers (pkg/cmd/util JSONPrint, pkg/cmd/cli); see docs/cli.md. */
public final class CliOutput {
  private CliOutput() {}

  /** Go's {@code json.MarshalIndent(v, "", "  ")}. */
  public static String indent(Object value) {
    return new String(Json.indented(value, "  "), StandardCharsets.UTF_8);
  }

  /**
   * {@code cli processor query}: the v2 processor's table ids as the old TaskStatus,
   * {@code {"status": {"tables": {"<id>": {"start-ts": 0}}, "operation": null, "admin-job-type": 0}, "position": null}}
   * (pkg/cmd/cli/cli_processor_query.go sets start-ts to 0 for compatibility).
   */
  public static ObjectNode processorMeta(JsonNode processorDetail) {
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    ObjectNode status = meta.putObject("status");
    ObjectNode tables = status.putObject("tables");
    // Go orders map keys as strings when it encodes a map[int64]...
    processorDetail.path("table_ids").forEach(id -> tables.putObject(id.asText()).put("start-ts", 0));
    ObjectNode sorted = JsonNodeFactory.instance.objectNode();
    tables.properties().stream().map(java.util.Map.Entry::getKey).sorted()
        .forEach(k -> sorted.set(k, tables.get(k)));
    status.set("tables", sorted);
    status.putNull("operation");
    status.put("admin-job-type", 0);
    meta.putNull("position");
    return meta;
  }
}
