package io.kcdc.streams.dispatcher;

import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.regex.Pattern;

/**
 * Chooses the topic of a table (TiCDC's {@code topic.Dispatcher}): the default topic, a static topic, or an
 * expression {@code [prefix]{schema}[middle][{table}][suffix]} whose substituted names are sanitised for Kafka.
 */
public interface TopicDispatcher {
  Pattern STATIC = Pattern.compile("^[A-Za-z0-9._-]+$");
  Pattern EXPRESSION = Pattern.compile("^[A-Za-z0-9._-]*(\\{schema\\})?([A-Za-z0-9._-]*\\{table\\})?[A-Za-z0-9._-]*$");

  String topic(String schema, String table);

  /** The dispatcher of a rule's {@code topic} value; empty means the default topic. */
  static TopicDispatcher of(String expression, String defaultTopic, String protocol) {
    if (expression == null || expression.isEmpty()) {
      return (s, t) -> defaultTopic;
    }
    if (STATIC.matcher(expression).matches()) {
      return (s, t) -> expression;
    }
    if (!EXPRESSION.matcher(expression).matches()
        || ("avro".equals(protocol) && !(expression.contains("{schema}") && expression.contains("{table}")))) {
      throw new SinkConfigException(CdcError.KAFKA_INVALID_TOPIC_EXPRESSION,
          "invalid topic expression: " + expression);
    }
    return (s, t) -> substitute(expression, s, t);
  }

  /** Replaces the placeholders, turns characters Kafka does not allow into {@code _}, and avoids "." and "..". */
  static String substitute(String expression, String schema, String table) {
    String name = expression.replace("{schema}", schema).replace("{table}", table).replaceAll("[^A-Za-z0-9._-]", "_");
    if (name.length() > 249) {
      name = name.substring(0, 249);
    }
    return switch (name) {
      case "." -> "_";
      case ".." -> "__";
      default -> name;
    };
  }
}
