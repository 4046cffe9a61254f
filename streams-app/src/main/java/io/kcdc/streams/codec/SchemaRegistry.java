package io.kcdc.streams.codec;

/** The schema registry the avro protocol registers its schemas in (Confluent's REST API or a stand-in). */
public interface SchemaRegistry {

  /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
  int register(String subject, String schema);

  /** The schema text of a global id. */
  String schemaById(int id);
}
