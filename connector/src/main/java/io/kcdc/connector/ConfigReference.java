package io.kcdc.connector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the connector's config reference, generated from its {@link TiCdcSourceConfig#CONFIG_DEF}
 * with Kafka's own {@code toEnrichedRst()}, so the plugin archive's {@code doc/} never drifts from
 * the settings the connector accepts. Run by the build (docs/connect-plugin.md).
 */
public final class ConfigReference {
  private ConfigReference() {}

  /** The reStructuredText reference: one entry per setting with type, default, valid values, importance. */
  public static String rst() {
    return "TiCDC source connector (io.kcdc.connector.TiCdcSourceConnector) " + Version.get() + "\n"
        + "=".repeat(72) + "\n\n"
        + "Settings of the connector; ``tasks.max`` and Connect's other connector settings apply too.\n\n"
        + TiCdcSourceConfig.CONFIG_DEF.toEnrichedRst();
  }

  /** {@code args[0]}: the file to write. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, rst(), StandardCharsets.UTF_8);
  }
}
