package io.kcdc.streams.codec;

import static io.kcdc.common.errors.CdcError.AVRO_SCHEMA_API_ERROR;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client of a Confluent-compatible schema registry (Confluent, Apicurio's ccompat API, Karapace):
 * {@code POST /subjects/{subject}/versions} with {@code {"schema":…}} answers {@code {"id":N}};
 * {@code GET /schemas/ids/{id}} answers {@code {"schema":…}}. Errors are {@code CDC:ErrAvroSchemaAPIError}.
 */
public final class ConfluentSchemaRegistry implements SchemaRegistry {
  /** The registry's media type, as TiCDC sends it. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String baseUrl;
  private final HttpClient http;

  public ConfluentSchemaRegistry(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  @Override
  public int register(String subject, String schema) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema);
    HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/subjects/"
            + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
        .timeout(TIMEOUT).header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    JsonNode id = call(req, "register the schema of subject " + subject).get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new EncodeException(AVRO_SCHEMA_API_ERROR, "the registry's answer for subject " + subject + " has no id");
    }
    return id.intValue();
  }

  @Override
  public String schemaById(int id) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id))
        .timeout(TIMEOUT).header("Accept", CONTENT_TYPE).GET().build();
    JsonNode schema = call(req, "look up schema id " + id).get("schema");
    if (schema == null || !schema.isTextual()) {
      throw new EncodeException(AVRO_SCHEMA_API_ERROR, "the registry's answer for schema id " + id + " has no schema");
    }
    return schema.textValue();
  }

  private JsonNode call(HttpRequest req, String what) {
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() == 409) {
        // Confluent's 409 (error_code 409): the schema breaks the subject's compatibility level
        throw new EncodeException(AVRO_SCHEMA_API_ERROR, "cannot " + what + " at " + baseUrl
            + ": the schema is incompatible with the subject's registered versions (HTTP 409): " + resp.body());
      }
      if (resp.statusCode() / 100 != 2) {
        throw new EncodeException(AVRO_SCHEMA_API_ERROR, "cannot " + what + " at " + baseUrl + ": HTTP " + resp.statusCode()
            + " " + resp.body());
      }
      return JSON.readTree(resp.body());
    } catch (IOException e) {
      throw new EncodeException(AVRO_SCHEMA_API_ERROR, "cannot " + what + " at " + baseUrl + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EncodeException(AVRO_SCHEMA_API_ERROR, "interrupted while trying to " + what, e);
    }
  }
}
