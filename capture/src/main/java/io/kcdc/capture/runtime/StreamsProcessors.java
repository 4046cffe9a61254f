package io.kcdc.capture.runtime;

import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.owner.LocalProcessors;
import io.kcdc.streams.ChangefeedStreams;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This capture's Streams app instances, one per running changefeed. Every capture runs one for
 * each changefeed; Kafka Streams spreads the internal topic's partitions over them.
 */
public final class StreamsProcessors implements LocalProcessors, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsProcessors.class);
  private final SinkSupport sinks;
  private final Path stateRoot;
  private final Map<String, Running> running = new HashMap<>();

  private record Running(ChangefeedInfo info, ChangefeedStreams streams) {}

  public StreamsProcessors(SinkSupport sinks, Path stateRoot) {
    this.sinks = sinks;
    this.stateRoot = stateRoot;
  }

  @Override
  public synchronized void reconcile(List<ChangefeedInfo> desired) {
    Map<String, ChangefeedInfo> want =
        desired.stream().collect(Collectors.toMap(i -> i.namespace() + "/" + i.id(), i -> i, (a, b) -> b));
    for (String key : Set.copyOf(running.keySet())) {
      ChangefeedInfo w = want.get(key);
      Running r = running.get(key);
      if (w == null || !sameDataPath(w, r.info()) || r.streams().error().isPresent()) {
        stop(key);
      }
    }
    for (Map.Entry<String, ChangefeedInfo> e : want.entrySet()) {
      if (running.containsKey(e.getKey())) {
        continue;
      }
      ChangefeedInfo info = e.getValue();
      try {
        ChangefeedStreams streams = new ChangefeedStreams(sinks.streamsConfig(info, stateRoot.resolve(info.id())));
        streams.start();
        running.put(e.getKey(), new Running(info, streams));
        LOG.info("streams app of changefeed {} started", e.getKey());
      } catch (RuntimeException ex) {
        // Usually the owner has not created the internal topics yet; the next reconcile retries.
        LOG.info("streams app of changefeed {} not started yet: {}", e.getKey(), ex.getMessage());
      }
    }
  }

  /** The error that stopped a changefeed's Streams app on this capture, if any. */
  public synchronized Optional<Throwable> error(String namespace, String id) {
    Running r = running.get(namespace + "/" + id);
    return r == null ? Optional.empty() : r.streams().error();
  }

  private static boolean sameDataPath(ChangefeedInfo a, ChangefeedInfo b) {
    return a.sinkUri().equals(b.sinkUri())
        && java.util.Objects.equals(a.config(), b.config())
        && a.epoch() == b.epoch();
  }

  private void stop(String key) {
    Running r = running.remove(key);
    if (r != null) {
      r.streams().close();
      LOG.info("streams app of changefeed {} stopped", key);
    }
  }

  @Override
  public synchronized void close() {
    for (String key : Set.copyOf(running.keySet())) {
      stop(key);
    }
  }
}
