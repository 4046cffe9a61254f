package io.kcdc.streams.codec;

import io.kcdc.common.errors.CdcError;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Registered schemas per (subject, table, table schema version) (TiCDC's {@code schemaManager}): a table's schema
 * is generated and registered once per version, then reused. Shared by the avro encoders of a changefeed; thread-safe.
 */
public final class AvroSchemaCache {
  /** A registered schema: its registry id, parsed form and a writer for it. */
  public record Entry(int id, Schema schema, GenericDatumWriter<GenericRecord> writer) {}

  private record CacheKey(String subject, long tableId, long version) {}

  private final SchemaRegistry registry;
  private final Map<CacheKey, Entry> entries = new ConcurrentHashMap<>();

  public AvroSchemaCache(SchemaRegistry registry) {
    this.registry = registry;
  }

  public SchemaRegistry registry() {
    return registry;
  }

  /** The cached entry, or the generated schema registered under {@code subject}. */
  public Entry getOrRegister(String subject, long tableId, long version, Supplier<String> schemaJson) {
    return entries.computeIfAbsent(new CacheKey(subject, tableId, version), k -> {
      String json = schemaJson.get();
      Schema schema;
      try {
        schema = new Schema.Parser().parse(json);
      } catch (RuntimeException e) {
        throw new EncodeException(CdcError.AVRO_ENCODE_FAILED, "invalid Avro schema for " + subject + ": " + e.getMessage(), e);
      }
      int id = registry.register(subject, json);
      return new Entry(id, schema, new GenericDatumWriter<>(schema));
    });
  }
}
