package io.kcdc.capture.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.capture.connect.ConnectRestClient;
import io.kcdc.capture.owner.DdlCoordinator;
import io.kcdc.capture.owner.DdlSink;
import io.kcdc.common.Tso;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.connector.TableSelection;
import io.kcdc.connector.TiCdcSourceConfig;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.gateway.owner.ChangefeedProgress;
import io.kcdc.gateway.owner.ChangefeedRuntime;
import io.kcdc.gateway.owner.UpstreamClient;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.streams.sink.SinkConfigException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.gateway.api.TableFilterRules;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's view of a changefeed's data path on Kafka: internal topics, the source connector in
 * the captures' Connect cluster, progress from the Streams apps, and checkpoint events to the sink.
 */
public final class KafkaChangefeedRuntime implements ChangefeedRuntime, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaChangefeedRuntime.class);

  /**
   * Settings of the data path every changefeed of this cluster shares.
   *
   * @param security the server's credential for PD and TiKV (the connector's {@code tls.*} settings)
   */
  public record Settings(
      String bootstrapServers, List<String> pdAddresses, int rowPartitions, int tasksMax, String selfAddress,
      io.kcdc.common.security.Credential security) {
    /** Plain-text upstream. */
    public Settings(String bootstrapServers, List<String> pdAddresses, int rowPartitions, int tasksMax,
        String selfAddress) {
      this(bootstrapServers, pdAddresses, rowPartitions, tasksMax, selfAddress, io.kcdc.common.security.Credential.NONE);
    }
  }

  private final Settings settings;
  private final ConnectRestClient connect;
  private final InternalTopics topics;
  private final UpstreamClient upstream;
  private final SinkSupport sinks;
  private final Function<String, String> captureOfWorker;
  private final Map<String, ProgressTracker> trackers = new ConcurrentHashMap<>();
  private final Map<String, DdlCoordinator> coordinators = new ConcurrentHashMap<>();
  private final Map<String, DdlCoordinator.Step> lastSchema = new ConcurrentHashMap<>();
  private final Map<String, ConnectView> connectViews = new ConcurrentHashMap<>();
  private final Map<String, CheckpointStall> stalls = new ConcurrentHashMap<>();
  private final Map<String, CheckpointTopics> checkpointTopics = new ConcurrentHashMap<>();
  private static final long DDL_RESOLVED_INTERVAL_MS = 100;
  /** A table report this recent means rows flow: the owner writes the barrier every tick ({@code BarrierPacer}). */
  private static final long ROWS_FLOWING_MS = 1000;
  /** Restarts of a failed DDL coordinator: 100 ms, doubling, at most every 10 s. */
  private static final Backoff COORDINATOR_BACKOFF =
      new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), Duration.ofDays(365));
  private final Map<String, Retry> retries = new ConcurrentHashMap<>();
  /** Failed connector tasks are restarted after 1 s, then doubling up to every 30 s while they keep failing. */
  private static final Backoff TASK_RESTART_BACKOFF =
      new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), Duration.ofDays(365));
  private final Map<String, Retry> taskRestarts = new ConcurrentHashMap<>();

  /**
   * @param captureOfWorker maps a Connect worker id (its REST host:port) to the capture id
   *     running it, for {@code GET /processors}
   */
  public KafkaChangefeedRuntime(
      Settings settings,
      ConnectRestClient connect,
      InternalTopics topics,
      UpstreamClient upstream,
      SinkSupport sinks,
      Function<String, String> captureOfWorker) {
    this.settings = settings;
    this.connect = connect;
    this.topics = topics;
    this.upstream = upstream;
    this.sinks = sinks;
    this.captureOfWorker = captureOfWorker;
  }

  @Override
  public void validate(ChangefeedInfo info) {
    try {
      sinks.validate(info);
    } catch (SinkConfigException e) {
      throw CdcException.of(e); // the API answers with the catalogue's code and status
    }
    List<String> rules =
        info.config() == null || info.config().filter() == null || info.config().filter().rules() == null
            ? List.of()
            : info.config().filter().rules();
    TableFilterRules.validate(rules);
  }

  @Override
  public void ensureRunning(ChangefeedInfo info, long checkpointTs) {
    String name = ConnectorConfigs.connectorName(info.namespace(), info.id());
    topics.ensure(info.namespace(), info.id(), settings.rowPartitions());
    trackers.computeIfAbsent(
        key(info.namespace(), info.id()),
        k -> new ProgressTracker(settings.bootstrapServers(), InternalTopics.progress(info.namespace(), info.id()),
            settings.rowPartitions()));
    coordinator(info, checkpointTs);
    Map<String, String> desired =
        ConnectorConfigs.of(info, settings.pdAddresses(), settings.security(), checkpointTs, settings.rowPartitions(),
            settings.tasksMax());
    Optional<JsonNode> running = connect.config(name);
    if (running.isEmpty() || !ConnectorConfigs.sameExceptStart(asMap(running.get()), desired)) {
      LOG.info("configuring connector {} from ts {}", name, Long.toUnsignedString(checkpointTs));
      connect.putConfig(name, desired);
      return;
    }
    Optional<JsonNode> status = connect.status(name);
    String state = status.map(s -> s.path("connector").path("state").asText()).orElse("");
    if (state.equals("PAUSED") || state.equals("STOPPED")) {
      connect.resume(name);
    }
  }

  /**
   * The changefeed's DDL coordinator, started from {@code checkpointTs} when missing; after a failure it is
   * started again no sooner than the backoff allows (the failure is reported meanwhile).
   */
  private DdlCoordinator coordinator(ChangefeedInfo info, long checkpointTs) {
    String key = key(info.namespace(), info.id());
    DdlCoordinator c = coordinators.get(key);
    if (c != null) {
      return c;
    }
    Retry retry = retries.get(key);
    if (retry != null && System.currentTimeMillis() < retry.notBefore()) {
      throw new IllegalStateException("the DDL coordinator of " + key + " failed, next attempt in "
          + (retry.notBefore() - System.currentTimeMillis()) + " ms: " + retry.cause().getMessage(), retry.cause());
    }
    try {
      DdlSink sink = new DdlSink(sinks.ownerTarget(info, InternalTopics.rows(info.namespace(), info.id()),
          settings.rowPartitions(), InternalTopics.progress(info.namespace(), info.id())));
      c = new DdlCoordinator(info.id(), settings.pdAddresses(), settings.security(), checkpointTs, info.targetTs(),
          ConnectorConfigs.selection(info),
          EventFilter.of(sinks.eventFilter(info)), sink, DDL_RESOLVED_INTERVAL_MS);
    } catch (RuntimeException e) {
      failed(key, e);
      throw e;
    }
    retries.remove(key);
    coordinators.put(key, c);
    return c;
  }

  /** Closes a failed coordinator and schedules its next start. */
  private void failed(String key, RuntimeException e) {
    int attempt = retries.containsKey(key) ? retries.get(key).attempt() + 1 : 1;
    closeCoordinator(key);
    retries.put(key, new Retry(attempt, System.currentTimeMillis() + COORDINATOR_BACKOFF.delayMillis(attempt), e));
  }

  /** A failed coordinator's next start. */
  private record Retry(int attempt, long notBefore, RuntimeException cause) {}

  private void closeCoordinator(String namespace, String id) {
    closeCoordinator(key(namespace, id));
  }

  private void closeCoordinator(String key) {
    lastSchema.remove(key);
    stalls.remove(key);
    connectViews.remove(key);
    checkpointTopics.remove(key);
    retries.remove(key);
    DdlCoordinator c = coordinators.remove(key);
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void ensureStopped(ChangefeedInfo info) {
    closeCoordinator(info.namespace(), info.id());
    String name = ConnectorConfigs.connectorName(info.namespace(), info.id());
    Optional<JsonNode> status = connect.status(name);
    if (status.isPresent() && !"STOPPED".equals(status.get().path("connector").path("state").asText())) {
      connect.stop(name);
    }
  }

  @Override
  public void remove(String namespace, String changefeedId) {
    closeCoordinator(namespace, changefeedId);
    String name = ConnectorConfigs.connectorName(namespace, changefeedId);
    if (connect.config(name).isPresent()) {
      connect.stop(name);
      // A changefeed created later under the same id must not resume from these offsets.
      connect.deleteOffsets(name);
      connect.delete(name);
    }
    ProgressTracker t = trackers.remove(key(namespace, changefeedId));
    if (t != null) {
      t.close();
    }
    topics.delete(namespace, changefeedId);
    topics.deleteStreamsTopics(sinks.names(namespace, changefeedId).applicationIdPrefix());
    sinks.forget(namespace, changefeedId);
  }

  /**
   * Before a stopped changefeed resumes from another checkpoint: its connector is deleted with its offsets (the owner
   * creates it again, starting from the new checkpoint), the internal topics are emptied (deleted; the owner creates them again) with the
   * owner's DDL mark, and the Streams app's changelogs go (the next app has another application id, so no capture
   * finds its old sorter state either).
   */
  @Override
  public void reset(ChangefeedInfo info) {
    closeCoordinator(info.namespace(), info.id());
    ProgressTracker t = trackers.remove(key(info.namespace(), info.id()));
    if (t != null) {
      t.close();
    }
    String name = ConnectorConfigs.connectorName(info.namespace(), info.id());
    if (connect.config(name).isPresent()) {
      // Deleted with its offsets: the owner creates it again with the new checkpoint as its start ts.
      connect.stop(name);
      connect.deleteOffsets(name);
      connect.delete(name);
    }
    topics.deleteAndWait(info.namespace(), info.id());
    topics.forgetStreamsApp(SinkSupport.applicationId(sinks.clusterId, info));
    LOG.info("changefeed {}/{} reset: it starts again from its new checkpoint", info.namespace(), info.id());
  }

  /**
   * The DDL coordinator steps first, from the sink's progress alone: DDLs, barriers and the checkpoint go on while
   * Connect rebalances after a crash, when its REST answers 409 for seconds (with a step behind those reads, an owner
   * kill that met a DDL stalled the checkpoint 14–25 s; docs/crash-recovery.md#where-the-seconds-go). Connect's
   * status (task errors, which capture runs which tables) is read without waiting: during a rebalance the last
   * answer stands.
   */
  @Override
  public Optional<ChangefeedProgress> progress(ChangefeedInfo info) {
    String key = key(info.namespace(), info.id());
    String name = ConnectorConfigs.connectorName(info.namespace(), info.id());
    ProgressTracker tracker = trackers.get(key);
    DdlCoordinator coordinator = coordinators.get(key);
    if (tracker == null || coordinator == null) {
      return Optional.empty();
    }
    tracker.failure().ifPresent(e -> {
      throw new IllegalStateException("the progress of " + name + " cannot be read: " + e.getMessage(), e);
    });
    DdlCoordinator.Step step;
    try {
      step = coordinator.step(tracker::checkpoint, tracker.tablesReportedWithin(ROWS_FLOWING_MS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (RuntimeException e) {
      if (!io.kcdc.gateway.owner.Owner.isNotOwner(e)) {
        failed(key, e);
      }
      throw e;
    }
    lastSchema.put(key, step);
    reportStall(key, step, tracker);
    ConnectRestClient.Known status = connect.statusNow(name);
    ConnectRestClient.Known tasks = connect.tasksNow(name);
    if (!status.known() || !tasks.known()) {
      // Connect is rebalancing and nothing was read since the client's last write: what Connect said last
      ConnectView last = connectViews.getOrDefault(key, ConnectView.NONE);
      return step.checkpointTs().isEmpty() ? Optional.empty()
          : Optional.of(progressOf(step, tracker, last.byCapture(), last.error()));
    }
    if (status.body().isEmpty() || tasks.body().isEmpty()) {
      return Optional.empty(); // no connector (yet)
    }
    Map<Integer, String> workerOfTask = new LinkedHashMap<>();
    Optional<RunningError> error = failure(status.body().get(), workerOfTask);
    restartFailedTasks(name, error.isPresent());
    List<TaskAssignment> assignment = new ArrayList<>();
    for (JsonNode task : tasks.body().get()) {
      String worker = workerOfTask.getOrDefault(task.path("id").path("task").asInt(), "");
      if (!worker.isEmpty()) {
        assignment.add(new TaskAssignment(task.path("config").path(TiCdcSourceConfig.TASK_INDEX).asInt(0),
            task.path("config").path(TiCdcSourceConfig.TASK_COUNT).asInt(1), captureOfWorker.apply(worker)));
      }
    }
    // The tables each capture replicates are computed again only when the tables or the task assignment change:
    // the owner asks every tick, and with 10,000 tables that made a tick O(tables).
    ConnectView last = connectViews.getOrDefault(key, ConnectView.NONE);
    Map<String, List<Long>> byCapture = last.tables() == step.tables() && last.assignment().equals(assignment)
        ? last.byCapture() : tablesByCapture(step.tables(), assignment);
    connectViews.put(key, new ConnectView(step.tables(), assignment, byCapture, error));
    if (step.checkpointTs().isEmpty()) {
      return error.map(e -> new ChangefeedProgress(0, 0, byCapture, Optional.of(e)));
    }
    return Optional.of(progressOf(step, tracker, byCapture, error));
  }

  /** Says where a checkpoint that stands still waits: the DDL barrier, and each internal partition's progress. */
  private void reportStall(String key, DdlCoordinator.Step step, ProgressTracker tracker) {
    if (step.checkpointTs().isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    long checkpoint = step.checkpointTs().getAsLong();
    stalls.computeIfAbsent(key, k -> new CheckpointStall()).observe(checkpoint, now).ifPresent(ms -> LOG.info(
        "changefeed {}: checkpoint {} ({} s behind) has not moved for {} s; DDL barrier {} s behind; "
            + "internal partitions' sink checkpoint / resolved ts behind: {}",
        key, Long.toUnsignedString(checkpoint), ProgressBook.secondsBehind(checkpoint, now), ms / 1000,
        ProgressBook.secondsBehind(step.barrierTs(), now), tracker.partitionsBehind(now)));
  }

  /**
   * What Connect said last of a changefeed's tasks: where they run, hence which capture runs which of the tables
   * (as of the schema step's table set), and a task's error.
   */
  private record ConnectView(Set<Long> tables, List<TaskAssignment> assignment, Map<String, List<Long>> byCapture,
      Optional<RunningError> error) {
    static final ConnectView NONE = new ConnectView(Set.of(), List.of(), Map.of(), Optional.empty());
  }

  /** A running connector task: its index among {@code count} tasks, and the capture whose worker runs it. */
  private record TaskAssignment(int index, int count, String capture) {}

  private static ChangefeedProgress progressOf(DdlCoordinator.Step step, ProgressTracker tracker,
      Map<String, List<Long>> byCapture, Optional<RunningError> error) {
    long checkpoint = step.checkpointTs().getAsLong();
    long resolved = step.tables().isEmpty() ? checkpoint : tracker.resolved(step.tables()).orElse(checkpoint);
    return new ChangefeedProgress(Tso.max(resolved, checkpoint), checkpoint, byCapture, error,
        tracker.lastSynced(step.tables()));
  }

  private static Map<String, List<Long>> tablesByCapture(Set<Long> tables, List<TaskAssignment> assignment) {
    Map<String, List<Long>> byCapture = new LinkedHashMap<>();
    for (TaskAssignment a : assignment) {
      List<Long> ids = byCapture.computeIfAbsent(a.capture(), w -> new ArrayList<>());
      tables.stream().filter(id -> TableSelection.taskOf(id, a.count()) == a.index()).forEach(ids::add);
    }
    byCapture.replaceAll((capture, ids) -> List.copyOf(ids));
    return Map.copyOf(byCapture);
  }

  /**
   * Connect leaves a failed task failed; TiCDC retries a failed processor. A failed connector or task (a broker
   * that was away too long, an upstream error) is restarted with backoff while its error is reported.
   */
  private void restartFailedTasks(String connector, boolean failed) {
    if (!failed) {
      taskRestarts.remove(connector);
      return;
    }
    Retry last = taskRestarts.get(connector);
    if (last != null && System.currentTimeMillis() < last.notBefore()) {
      return;
    }
    int attempt = last == null ? 1 : last.attempt() + 1;
    LOG.info("restarting the failed tasks of {} (attempt {})", connector, attempt);
    try {
      connect.restartFailed(connector);
    } catch (RuntimeException e) {
      LOG.warn("restarting the failed tasks of {} failed", connector, e);
    }
    taskRestarts.put(connector, new Retry(attempt, System.currentTimeMillis() + TASK_RESTART_BACKOFF.delayMillis(attempt),
        null));
  }

  /** The first failed connector or task, as a running error; fills the task -> worker map. */
  private Optional<RunningError> failure(JsonNode status, Map<Integer, String> workerOfTask) {
    RunningError error = null;
    JsonNode c = status.path("connector");
    if ("FAILED".equals(c.path("state").asText())) {
      error = runningError(c.path("worker_id").asText(), c.path("trace").asText());
    }
    for (JsonNode t : status.path("tasks")) {
      workerOfTask.put(t.path("id").asInt(), t.path("worker_id").asText(""));
      if (error == null && "FAILED".equals(t.path("state").asText())) {
        error = runningError(t.path("worker_id").asText(), t.path("trace").asText());
      }
    }
    return Optional.ofNullable(error);
  }

  private RunningError runningError(String worker, String trace) {
    String first = trace.lines().findFirst().orElse(trace);
    return new RunningError(OffsetDateTime.now(), captureAddress(worker), CdcError.PROCESSOR_UNKNOWN.code(), first);
  }

  private String captureAddress(String worker) {
    return worker.isEmpty() ? settings.selfAddress() : worker;
  }

  @Override
  public void ownerStopped() {
    List.copyOf(coordinators.keySet()).forEach(this::closeCoordinator);
  }

  /** Broadcasts the checkpoint to the default topic and the topics of the tables replicated now. */
  @Override
  public void emitCheckpoint(ChangefeedInfo info, long checkpointTs) {
    DdlCoordinator coordinator = coordinators.get(key(info.namespace(), info.id()));
    DdlCoordinator.Step step = lastSchema.get(key(info.namespace(), info.id()));
    if (coordinator == null || step == null) {
      return; // the next owner tick starts it; the checkpoint is emitted then
    }
    // routed again only when the tables or their schema change: every table each tick made a tick O(tables)
    CheckpointTopics topics = checkpointTopics.compute(key(info.namespace(), info.id()), (k, last) ->
        last != null && last.tables() == step.tables() && last.schema() == step.schema()
            && last.sinkUri().equals(info.sinkUri()) && java.util.Objects.equals(last.config(), info.config()) ? last
            : new CheckpointTopics(step.tables(), step.schema(), info.sinkUri(), info.config(),
                sinks.topicsOf(info, tableNames(step))));
    coordinator.sink().writeCheckpoint(checkpointTs, topics.topics());
  }

  /** The topics a checkpoint goes to, for one set of tables at one schema. */
  private record CheckpointTopics(Set<Long> tables, Object schema, String sinkUri, Object config, List<String> topics) {}

  private static List<SinkSupport.TableName> tableNames(DdlCoordinator.Step step) {
    List<SinkSupport.TableName> tables = new ArrayList<>();
    for (long id : step.tables()) {
      step.schema().table(id).ifPresent(t -> tables.add(new SinkSupport.TableName(
          step.schema().databaseOf(id).map(db -> db.name().o()).orElse(""), t.name().o())));
    }
    return tables;
  }

  @Override
  public void close() {
    coordinators.values().forEach(DdlCoordinator::close);
    coordinators.clear();
    trackers.values().forEach(ProgressTracker::close);
    trackers.clear();
  }

  private static String key(String namespace, String id) {
    return namespace + "/" + id;
  }

  private static Map<String, String> asMap(JsonNode node) {
    Map<String, String> m = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

}
