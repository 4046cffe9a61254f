package io.kcdc.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a Streams app instance's transactions belong to. With {@code exactly_once_v2} every stream thread has one
 * producer whose {@code transactional.id} is {@code <application.id>-<process id>-<thread index>}; the process id is
 * a UUID that Kafka Streams keeps in {@code <state.dir>/<application.id>/kafka-streams-process-metadata}
 * (KAFKA-10716). docs/crash-recovery.md#fencing-a-dead-captures-transactions says why the owner needs it.
 */
public final class StreamsProcess {
  /** The file Kafka Streams keeps its process id in ({@code StateDirectory.PROCESS_FILE_NAME}). */
  static final String PROCESS_FILE = "kafka-streams-process-metadata";

  private static final Pattern TRANSACTIONAL_ID = Pattern.compile(
      "^(.+)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(\\d+)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamsProcess() {}

  /**
   * A stream thread producer's transactional id taken apart.
   *
   * @param applicationId the app's {@code application.id}
   * @param processId the app instance's process id
   */
  public record TransactionalId(String applicationId, String processId, int thread) {
    /** The parts of {@code id}, if it has the shape of an {@code exactly_once_v2} thread producer's. */
    public static Optional<TransactionalId> parse(String id) {
      Matcher m = TRANSACTIONAL_ID.matcher(id);
      if (!m.matches()) {
        return Optional.empty();
      }
      try {
        return Optional.of(new TransactionalId(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * The process id of the app instance whose state directory (Streams' {@code state.dir}) is {@code stateDir}; read
   * after the {@code KafkaStreams} object is made (its constructor writes the file) and before {@code cleanUp()}
   * deletes it. Empty when the file is missing or unreadable.
   */
  public static Optional<String> processId(Path stateDir, String applicationId) {
    Path file = stateDir.resolve(applicationId).resolve(PROCESS_FILE);
    try {
      JsonNode node = JSON.readTree(Files.readAllBytes(file));
      String id = node.path("processId").asText("");
      return id.isEmpty() ? Optional.empty() : Optional.of(id);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
