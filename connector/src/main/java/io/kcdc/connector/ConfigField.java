package io.kcdc.connector;

import org.apache.kafka.common.config.ConfigDef;

/** One typed connector setting; the {@link ConfigDef} and the docs are generated from a list of them. */
public record ConfigField(
    String name, ConfigDef.Type type, Object defaultValue, ConfigDef.Validator validator,
    ConfigDef.Importance importance, String doc) {

  /** Marks a field without default: the user must set it. */
  public static final Object REQUIRED = ConfigDef.NO_DEFAULT_VALUE;

  void define(ConfigDef def) {
    def.define(name, type, defaultValue, validator, importance, doc);
  }
}
