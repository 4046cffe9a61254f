package io.kcdc.gateway.api;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * {@code POST /api/v2/log}: TiCDC's level names (zap's: {@code debug info warn error dpanic panic
 * fatal}, lower or upper case, empty = info) applied to the process's logging at run time.
 *
 * <p>The capture logs through slf4j-simple, which has no API to change a level after start: its
 * loggers keep their level in a field and new loggers take the configuration's default. Both are
 * set by reflection, except for loggers with a level of their own
 * ({@code org.slf4j.simpleLogger.log.<name>}, e.g. the quieted Kafka loggers of {@code cdc}): the
 * new level is the default, as TiCDC's global level. With any other backend the level is only
 * validated (and {@link #apply} returns false).
 */
public final class LogLevels {
  private static final Logger LOG = LoggerFactory.getLogger(LogLevels.class);
  private static final String SIMPLE = "org.slf4j.simple.";

  private LogLevels() {}

  /** The slf4j level of a zap level name; empty if zap would reject the name. */
  public static Optional<Level> parse(String zapLevel) {
    return Optional.ofNullable(switch (zapLevel) {
      case "debug", "DEBUG" -> Level.DEBUG;
      case "info", "INFO", "" -> Level.INFO;
      case "warn", "WARN" -> Level.WARN;
      // dpanic/panic/fatal log at error and then panic or exit in zap; slf4j's highest level is error.
      case "error", "ERROR", "dpanic", "DPANIC", "panic", "PANIC", "fatal", "FATAL" -> Level.ERROR;
      default -> null;
    });
  }

  /**
   * Sets the level of every logger and of loggers created later.
   *
   * @throws CdcException {@code fail to change log level: <level>} for a name zap does not know
   * @return true if the backend's levels changed
   */
  public static boolean apply(String zapLevel) {
    Level level = parse(zapLevel)
        .orElseThrow(() -> CdcError.API_INVALID_PARAM.withMessage("fail to change log level: %s", zapLevel));
    boolean changed = setSimpleLoggerLevel(level);
    LOG.warn("log level changed to {}", zapLevel);
    return changed;
  }

  private static boolean setSimpleLoggerLevel(Level level) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!factory.getClass().getName().equals(SIMPLE + "SimpleLoggerFactory")) {
      return false;
    }
    try {
      ClassLoader cl = factory.getClass().getClassLoader();
      Class<?> simpleLogger = Class.forName(SIMPLE + "SimpleLogger", true, cl);
      Field configField = simpleLogger.getDeclaredField("CONFIG_PARAMS");
      configField.setAccessible(true);
      Object config = configField.get(null);
      Field defaultLevel = config.getClass().getDeclaredField("defaultLogLevel");
      defaultLevel.setAccessible(true);
      defaultLevel.setInt(config, level.toInt());
      Field current = simpleLogger.getDeclaredField("currentLogLevel");
      current.setAccessible(true);
      java.lang.reflect.Method ownLevel = simpleLogger.getDeclaredMethod("recursivelyComputeLevelString");
      ownLevel.setAccessible(true);
      Field map = factory.getClass().getDeclaredField("loggerMap");
      map.setAccessible(true);
      for (Object logger : ((Map<?, ?>) map.get(factory)).values()) {
        if (simpleLogger.isInstance(logger) && ownLevel.invoke(logger) == null) {
          current.setInt(logger, level.toInt());
        }
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot change slf4j-simple's log level", e);
      return false;
    }
  }
}
