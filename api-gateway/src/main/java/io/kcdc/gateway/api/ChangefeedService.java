package io.kcdc.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcdc.common.Tso;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.common.sink.SinkUriSecrets;
import io.kcdc.gateway.api.V2Models.CaptureTaskStatus;
import io.kcdc.gateway.api.V2Models.ChangeFeedInfo;
import io.kcdc.gateway.api.V2Models.ChangefeedCommonInfo;
import io.kcdc.gateway.api.V2Models.ChangefeedConfig;
import io.kcdc.gateway.api.V2Models.ListResponse;
import io.kcdc.gateway.api.V2Models.ProcessorCommonInfo;
import io.kcdc.gateway.api.V2Models.ProcessorDetail;
import io.kcdc.gateway.api.V2Models.ResumeChangefeedConfig;
import io.kcdc.gateway.etcd.MetaStore;
import io.kcdc.gateway.etcd.UpstreamInfo;
import io.kcdc.gateway.etcd.Versioned;
import io.kcdc.gateway.model.CaptureInfo;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.ChangefeedState;
import io.kcdc.gateway.model.ChangefeedStatus;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.JsonTime;
import io.kcdc.gateway.model.ReplicaConfigs;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.gateway.owner.ChangefeedProgress;
import io.kcdc.gateway.owner.ChangefeedRuntime;
import io.kcdc.gateway.owner.UpstreamClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The changefeed operations behind the v2 routes: validation, the etcd writes (the owner picks
 * them up) and the response models. Runs on the owner (requests are forwarded there).
 */
public final class ChangefeedService {
  private static final Set<ChangefeedState> DEFAULT_LISTED = Set.of(
      ChangefeedState.NORMAL, ChangefeedState.STOPPED, ChangefeedState.FAILED,
      ChangefeedState.WARNING, ChangefeedState.PENDING);
  private static final Set<ChangefeedState> NO_ERROR_SHOWN = Set.of(
      ChangefeedState.NORMAL, ChangefeedState.STOPPED, ChangefeedState.FINISHED,
      ChangefeedState.REMOVED, ChangefeedState.UNINITIALIZED);

  private final MetaStore meta;
  private final UpstreamClient upstream;
  private final ChangefeedRuntime runtime;
  private final ClusterView view;
  private final Clock clock;
  private final Duration removeTimeout;

  public ChangefeedService(MetaStore meta, UpstreamClient upstream, ChangefeedRuntime runtime,
      ClusterView view, Clock clock, Duration removeTimeout) {
    this.meta = meta;
    this.upstream = upstream;
    this.runtime = runtime;
    this.view = view;
    this.clock = clock;
    this.removeTimeout = removeTimeout;
  }

  /**
   * TiCDC refuses a changefeed whose filter matches tables without a primary key or NOT NULL
   * unique key at its start ts, unless {@code force_replicate} (replicate them anyway) or
   * {@code ignore_ineligible_table} (skip them) is set.
   */
  private void requireEligibleTables(ReplicaConfig config, long startTs) {
    if (Boolean.TRUE.equals(config.forceReplicate()) || Boolean.TRUE.equals(config.ignoreIneligibleTable())) {
      return;
    }
    List<String> rules = config.filter() == null || config.filter().rules() == null || config.filter().rules().isEmpty()
        ? List.of("*.*") : config.filter().rules();
    UpstreamClient.VerifiedTables tables =
        upstream.verifyTables(startTs, rules, Boolean.TRUE.equals(config.caseSensitive()));
    if (!tables.ineligible().isEmpty()) {
      throw CdcError.TABLE_INELIGIBLE.gen("[" + String.join(" ", tables.ineligible().stream()
          .map(t -> t.schema() + "." + t.table()).toList()) + "]");
    }
  }

  /**
   * The upstream key of a new changefeed (TiCDC's {@code createChangefeed}, docs/security.md): the
   * server's upstream, or the PDs the request names reached with its credential. Those must be
   * the server's upstream cluster: the data path runs on the server's upstream connections.
   */
  private UpstreamInfo upstreamInfo(ChangefeedConfig req) {
    List<String> pdAddrs = req.pdAddrs() == null ? List.of() : req.pdAddrs();
    if (pdAddrs.isEmpty()) {
      io.kcdc.common.security.Credential own = upstream.credential();
      return new UpstreamInfo(upstream.clusterId(), String.join(",", upstream.pdEndpoints()), own.keyPath(),
          own.certPath(), own.caPath(), own.certAllowedCn().isEmpty() ? null : own.certAllowedCn());
    }
    io.kcdc.common.security.Credential requested = new io.kcdc.common.security.Credential(
        req.caPath(), req.certPath(), req.keyPath(), req.certAllowedCn());
    // createChangefeed wraps getPDClient's error in ErrAPIGetPDClientFailed (again, for a client failure).
    long id = NamedUpstream.clusterId(upstream, pdAddrs, requested, CdcError.API_GET_PD_CLIENT_FAILED::wrap);
    if (id != upstream.clusterId()) {
      throw CdcError.UPSTREAM_MISS_MATCH.gen(upstream.clusterId(), id);
    }
    return new UpstreamInfo(id, String.join(",", pdAddrs), requested.keyPath(), requested.certPath(),
        requested.caPath(), req.certAllowedCn());
  }

  /** {@code POST /changefeeds}. */
  public ChangeFeedInfo create(ChangefeedConfig req) {
    // As TiCDC: the PDs a request names are reached before anything else is checked.
    UpstreamInfo up = upstreamInfo(req);
    String namespace = req.namespace() == null || req.namespace().isEmpty()
        ? ChangefeedId.DEFAULT_NAMESPACE : req.namespace();
    ChangefeedIds.requireValidNamespace(namespace);
    String id = req.changefeedId() == null || req.changefeedId().isEmpty()
        ? UUID.randomUUID().toString() : req.changefeedId();
    ChangefeedIds.requireValidChangefeedId(id);
    if (req.sinkUri() == null || req.sinkUri().isEmpty()) {
      throw CdcError.SINK_URI_INVALID.gen("sink_uri is empty, cannot create a changefeed without sink_uri");
    }
    ChangefeedId cfId = new ChangefeedId(namespace, id);
    if (meta.getInfo(cfId).isPresent()) {
      throw CdcError.CHANGEFEED_ALREADY_EXISTS.gen(id);
    }
    long currentTso = currentTso();
    long startTs = req.startTs() == null || req.startTs() == 0 ? currentTso : requireUint(req.startTs(), "start_ts");
    if (startTs > currentTso) {
      throw CdcError.API_INVALID_PARAM.withMessage("invalid start-ts %d, larger than current tso %d", startTs, currentTso);
    }
    long gcSafePoint = upstream.gcSafePoint();
    if (startTs <= gcSafePoint) {
      throw CdcError.START_TS_BEFORE_GC.gen(startTs, gcSafePoint);
    }
    long targetTs = req.targetTs() == null ? 0 : requireUint(req.targetTs(), "target_ts");
    if (targetTs > 0 && targetTs <= startTs) {
      throw CdcError.TARGET_TS_BEFORE_START_TS.gen(targetTs, startTs);
    }
    ReplicaConfig config;
    try {
      config = ReplicaConfigs.mergeOnDefaults(req.replicaConfig());
    } catch (IllegalArgumentException e) {
      throw CdcError.API_INVALID_PARAM.wrap(e);
    }
    ReplicaConfigValidator.validate(config);
    SinkUris.validate(req.sinkUri(), config);

    ChangefeedInfo info = new ChangefeedInfo(
        upstream.clusterId(), namespace, id, req.sinkUri(), OffsetDateTime.now(clock), startTs, targetTs,
        ChangefeedState.AdminJobType.NONE, "unified", "", config, ChangefeedState.NORMAL, null, null,
        view.version(), currentTso);
    runtime.validate(info);
    requireEligibleTables(config, startTs);
    if (!meta.createChangefeed(info, Optional.of(up))) {
      throw CdcError.META_OP_FAILED.gen("Create changefeed " + cfId);
    }
    view.wakeOwner();
    return new ChangeFeedInfo(
        info.upstreamId(), namespace, id, SinkUriSecrets.mask(info.sinkUri()), info.createTime(), startTs,
        targetTs, 0, Json.MAPPER.valueToTree(config), ChangefeedState.NORMAL.value(), null,
        info.creatorVersion(), startTs, startTs, JsonTime.ofTso(startTs), null);
  }

  /**
   * {@code PUT /changefeeds/{id}} (TiCDC's {@code updateChangefeed}): only a stopped or failed
   * changefeed; {@code target_ts}, {@code sink_uri} and {@code replica_config} replace the stored
   * ones when given ({@code start_ts} is ignored), the result is validated as on create and any
   * problem refuses the update. The owner derives the data path from the new info on resume.
   */
  public ChangeFeedInfo update(ChangefeedId id, java.util.function.Supplier<ChangefeedConfig> body) {
    Versioned<ChangefeedInfo> current = meta.getInfo(id)
        .orElseThrow(() -> CdcError.CHANGEFEED_NOT_EXISTS.gen(id.toString()));
    ChangefeedInfo old = current.value();
    if (old.state() != ChangefeedState.STOPPED && old.state() != ChangefeedState.FAILED) {
      throw CdcError.CHANGEFEED_UPDATE_REFUSED.gen("can only update changefeed config when it is stopped or failed");
    }
    long checkpoint = meta.getStatus(id).map(s -> s.value().checkpointTs()).orElse(old.startTs());
    ChangefeedConfig req = body.get();
    long targetTs = old.targetTs();
    if (req.targetTs() != null && req.targetTs() != 0) {
      long t = requireUint(req.targetTs(), "target_ts");
      if (!Tso.after(t, old.startTs())) {
        throw CdcError.CHANGEFEED_UPDATE_REFUSED.withMessage(
            "can not update target_ts:%s less than start_ts:%s",
            Long.toUnsignedString(t), Long.toUnsignedString(old.startTs()));
      }
      targetTs = t;
    }
    ReplicaConfig config = old.config();
    boolean configUpdated = req.replicaConfig() != null && !req.replicaConfig().isNull();
    if (configUpdated) {
      try {
        config = ReplicaConfigs.replaceOnDefaults(req.replicaConfig());
      } catch (IllegalArgumentException e) {
        throw CdcError.API_INVALID_PARAM.wrap(e);
      }
    }
    boolean sinkUriUpdated = req.sinkUri() != null && !req.sinkUri().isEmpty();
    String sinkUri = sinkUriUpdated ? req.sinkUri() : old.sinkUri();
    ChangefeedInfo next = new ChangefeedInfo(
        old.upstreamId(), old.namespace(), old.id(), sinkUri, old.createTime(), old.startTs(), targetTs,
        old.adminJobType(), old.sortEngine(), old.sortDir(), config, old.state(), old.error(), old.warning(),
        old.creatorVersion(), old.epoch());
    try {
      if (config != null && config.filter() != null) {
        TableFilterRules.validate(config.filter().rules());
      }
      if (configUpdated || sinkUriUpdated) {
        ReplicaConfigValidator.validate(config);
        SinkUris.validate(sinkUri, config);
        runtime.validate(next);
      }
    } catch (CdcException e) {
      throw CdcError.CHANGEFEED_UPDATE_REFUSED.gen(e.errorMsg());
    }
    if (next.equals(old)) {
      throw CdcError.CHANGEFEED_UPDATE_REFUSED.gen("changefeed config is the same with the old one, do nothing");
    }
    if (!meta.updateInfo(next, current.modRevision())) {
      throw CdcError.META_OP_FAILED.gen("Update changefeed " + id);
    }
    view.wakeOwner();
    long resolved = view.progress(id).map(ChangefeedProgress::resolvedTs)
        .filter(r -> r >= checkpoint).orElse(checkpoint);
    return detail(next, resolved, checkpoint, null, Json.MAPPER.valueToTree(config), true);
  }

  /** The response model of a changefeed. */
  private static ChangeFeedInfo detail(ChangefeedInfo info, long resolved, long checkpoint,
      List<CaptureTaskStatus> tasks, ObjectNode config, boolean maskSinkUri) {
    RunningError error = info.error() == null || NO_ERROR_SHOWN.contains(info.state())
        ? null : info.error().withoutTime();
    return new ChangeFeedInfo(
        info.upstreamId(), info.namespace(), info.id(),
        maskSinkUri ? SinkUriSecrets.mask(info.sinkUri()) : info.sinkUri(), info.createTime(),
        info.startTs(), info.targetTs(), info.adminJobType(), config, info.state().value(), error,
        info.creatorVersion(), resolved, checkpoint, JsonTime.ofTso(checkpoint), tasks);
  }

  /** {@code GET /changefeeds?state=}. */
  public ListResponse<ChangefeedCommonInfo> list(String namespace, String state) {
    Map<ChangefeedId, Versioned<ChangefeedStatus>> statuses = meta.listStatuses();
    List<ChangefeedCommonInfo> items = new ArrayList<>();
    for (Map.Entry<ChangefeedId, Versioned<ChangefeedInfo>> e : meta.listInfos().entrySet()) {
      ChangefeedInfo info = e.getValue().value();
      if (!info.namespace().equals(namespace) || !listed(info.state(), state)) {
        continue;
      }
      Versioned<ChangefeedStatus> s = statuses.get(e.getKey());
      long checkpoint = s == null ? 0 : s.value().checkpointTs();
      RunningError error = info.error() != null ? info.error() : info.warning();
      if (NO_ERROR_SHOWN.contains(info.state())) {
        error = null;
      }
      items.add(new ChangefeedCommonInfo(
          info.upstreamId(), info.namespace(), info.id(), info.state().displayed().value(), checkpoint,
          s == null ? JsonTime.ZERO : JsonTime.ofTso(checkpoint), error));
    }
    return ListResponse.of(items);
  }

  private static boolean listed(ChangefeedState state, String filter) {
    if (filter == null || filter.isEmpty()) {
      return DEFAULT_LISTED.contains(state) || state == ChangefeedState.UNINITIALIZED;
    }
    return filter.equals("all") || filter.equals(state.value());
  }

  /** {@code GET /changefeeds/{id}}: the detail, sink URI masked, config pruned for the sink. */
  public ChangeFeedInfo get(ChangefeedId id) {
    return get(id, true);
  }

  /** {@code GET /changefeeds/{id}/meta_info}: the detail with the sink URI as stored. */
  public ChangeFeedInfo metaInfo(ChangefeedId id) {
    return get(id, false);
  }

  private ChangeFeedInfo get(ChangefeedId id, boolean maskSinkUri) {
    ChangefeedInfo info = requireInfo(id);
    long checkpoint = meta.getStatus(id).map(s -> s.value().checkpointTs()).orElse(info.startTs());
    Optional<ChangefeedProgress> progress = view.progress(id);
    long resolved = progress.map(ChangefeedProgress::resolvedTs).filter(r -> r >= checkpoint).orElse(checkpoint);
    List<CaptureTaskStatus> tasks = null;
    if (info.state() == ChangefeedState.NORMAL && progress.isPresent()) {
      tasks = new ArrayList<>();
      for (Map.Entry<String, List<Long>> t : new TreeMap<>(progress.get().tableIdsByCapture()).entrySet()) {
        tasks.add(new CaptureTaskStatus(t.getKey(), t.getValue()));
      }
    }
    ObjectNode config = info.config() == null ? null
        : ReplicaConfigs.prune(Json.MAPPER.valueToTree(info.config()), ReplicaConfigs.scheme(info.sinkUri()));
    return detail(info, resolved, checkpoint, tasks, config, maskSinkUri);
  }

  /**
   * {@code GET /changefeeds/{id}/synced} (docs/changefeed-lifecycle.md#synced): whether everything
   * upstream has reached the sink, judged from the checkpoint, the last commit ts written to the
   * sink, the puller resolved ts and PD's time. The thresholds are the changefeed's
   * {@code synced_status}, or those of a request body's {@code replica_config} (merged onto the
   * defaults) when one is sent.
   */
  public V2Models.SyncedStatus synced(ChangefeedId id, Optional<ChangefeedConfig> body) {
    ChangefeedInfo info = requireInfo(id);
    long checkpoint = meta.getStatus(id).map(s -> s.value().checkpointTs()).orElse(info.startTs());
    Optional<ChangefeedProgress> progress = view.progress(id);
    long lastSynced = progress.map(ChangefeedProgress::lastSyncedTs).orElse(0L);
    long pullerResolved = progress.map(ChangefeedProgress::resolvedTs).filter(r -> r >= checkpoint).orElse(checkpoint);
    ReplicaConfig.SyncedStatusConfig thresholds = ReplicaConfig.DEFAULT.syncedStatus();
    if (body.isPresent()) {
      try {
        thresholds = ReplicaConfigs.mergeOnDefaults(body.get().replicaConfig()).syncedStatus();
      } catch (IllegalArgumentException e) {
        throw CdcError.API_INVALID_PARAM.wrap(e);
      }
    } else if (info.config() != null && info.config().syncedStatus() != null) {
      ReplicaConfig.SyncedStatusConfig own = info.config().syncedStatus();
      if (own.syncedCheckInterval() != null && own.syncedCheckInterval() != 0
          && own.checkpointInterval() != null && own.checkpointInterval() != 0) {
        thresholds = own;
      }
    }
    long syncedCheckMs = thresholds.syncedCheckInterval() * 1000;
    long checkpointMs = thresholds.checkpointInterval() * 1000;
    String sinkCheckpoint = JsonTime.ofTso(checkpoint);
    String puller = JsonTime.ofTso(pullerResolved);
    String last = JsonTime.ofTso(lastSynced);
    long pullerLag = Tso.physical(pullerResolved) - Tso.physical(checkpoint);
    long nowMs;
    try {
      // PDs named in the body are reached with its credential first, as TiCDC's getPDClient does.
      List<String> pdAddrs = body.map(ChangefeedConfig::pdAddrs).orElse(List.of());
      NamedUpstream.clusterId(upstream, pdAddrs == null ? List.of() : pdAddrs, body.map(b ->
          NamedUpstream.credential(b.caPath(), b.certPath(), b.keyPath(), b.certAllowedCn()))
          .orElse(io.kcdc.common.security.Credential.NONE), e -> CdcError.UNCLASSIFIED.gen(e.getMessage()));
      nowMs = Tso.physical(upstream.currentTso());
    } catch (RuntimeException e) {
      String err = e instanceof CdcException c
          && (c.error() == CdcError.API_GET_PD_CLIENT_FAILED || c.error() == CdcError.UNCLASSIFIED)
          ? c.errorMsg() : CdcError.API_GET_PD_CLIENT_FAILED.wrap(e).errorMsg();
      String message = pullerLag > checkpointMs
          ? err + ". Besides the data is not finish syncing"
          : err + ". You should check the pd status first. If pd status is normal, means we don't finish sync data. "
              + "If pd is offline, please check whether we satisfy the condition that the time difference from "
              + "lastSyncedTs to the current time from the time zone of pd is greater than "
              + thresholds.syncedCheckInterval() + " secs. If it's satisfied, means the data syncing is totally finished";
      return new V2Models.SyncedStatus(false, sinkCheckpoint, puller, last,
          JsonTime.format(Instant.EPOCH, java.time.ZoneId.systemDefault()), message);
    }
    // Go writes time.Unix(physicalNow/1e3, 0): whole seconds.
    String now = JsonTime.format(Instant.ofEpochSecond(nowMs / 1000), java.time.ZoneId.systemDefault());
    boolean quiet = nowMs - Tso.physical(lastSynced) > syncedCheckMs;
    if (quiet && nowMs - Tso.physical(checkpoint) < checkpointMs) {
      return new V2Models.SyncedStatus(true, sinkCheckpoint, puller, last, now, "Data syncing is finished");
    }
    String message = "The data syncing is not finished, please wait";
    if (quiet && pullerLag < checkpointMs) {
      message = "Please check whether PD is online and TiKV Regions are all available. If PD is offline or some "
          + "TiKV regions are not available, it means that the data syncing process is complete. To check whether "
          + "TiKV regions are all available, you can view 'TiKV-Details' > 'Resolved-Ts' > 'Max Leader Resolved TS "
          + "gap' on Grafana. If the gap is large, such as a few minutes, it means that some regions in TiKV are "
          + "unavailable. Otherwise, if the gap is small and PD is online, it means the data syncing is incomplete, "
          + "so please wait";
    }
    return new V2Models.SyncedStatus(false, sinkCheckpoint, puller, last, now, message);
  }

  /** {@code GET /changefeeds/{id}/status}. */
  public V2Models.ChangefeedStatus status(ChangefeedId id) {
    ChangefeedInfo info = requireInfo(id);
    long checkpoint = meta.getStatus(id).map(s -> s.value().checkpointTs()).orElse(info.startTs());
    long resolved = view.progress(id).map(ChangefeedProgress::resolvedTs)
        .filter(r -> r >= checkpoint).orElse(checkpoint);
    Instant checkpointTime = Tso.toInstant(checkpoint);
    return new V2Models.ChangefeedStatus(
        info.state().value(), resolved, checkpoint,
        after(info.error(), checkpointTime), after(info.warning(), checkpointTime));
  }

  private static RunningError after(RunningError e, Instant checkpointTime) {
    return e != null && e.time() != null && e.time().toInstant().isAfter(checkpointTime) ? e : null;
  }

  /** {@code POST .../pause}: normal, warning and pending changefeeds stop; others are left alone. */
  public void pause(ChangefeedId id) {
    update(id, info -> switch (info.state()) {
      case NORMAL, WARNING, PENDING, UNINITIALIZED ->
          Optional.of(info.withState(ChangefeedState.STOPPED, info.error(), info.warning())
              .withEpoch(currentTso()));
      default -> Optional.empty();
    });
  }

  /** {@code POST .../resume}: stopped, failed and finished changefeeds run again. */
  public void resume(ChangefeedId id, ResumeChangefeedConfig req) {
    // resumeChangefeed wraps getPDClient's error in ErrAPIInvalidParam.
    NamedUpstream.requireServersUpstream(upstream, req.pdAddrs(), NamedUpstream.credential(
        req.caPath(), req.certPath(), req.keyPath(), req.certAllowedCn()), CdcError.API_INVALID_PARAM::wrap);
    long overwrite = req.overwriteCheckpointTs() == null ? 0 : requireUint(req.overwriteCheckpointTs(), "overwrite_checkpoint_ts");
    requireInfo(id);
    if (overwrite > 0) {
      long current = currentTso();
      if (overwrite > current) {
        throw CdcError.API_INVALID_PARAM.withMessage(
            "invalid checkpoint-ts %d, larger than current tso %d", overwrite, current);
      }
      long gcSafePoint = upstream.gcSafePoint();
      if (overwrite <= gcSafePoint) {
        throw CdcError.START_TS_BEFORE_GC.gen(overwrite, gcSafePoint);
      }
    }
    if (overwrite > 0) {
      ChangefeedInfo stopped = requireInfo(id);
      if (stopped.state() == ChangefeedState.STOPPED || stopped.state() == ChangefeedState.FAILED
          || stopped.state() == ChangefeedState.FINISHED) {
        // The connector's offsets and the sorter's state say where the data path was; a new checkpoint starts anew.
        runtime.reset(stopped);
        // The checkpoint first: the owner starts the data path from it as soon as the state says normal.
        for (int i = 0; i < 10; i++) {
          Optional<Versioned<ChangefeedStatus>> s = meta.getStatus(id);
          ChangefeedStatus status = new ChangefeedStatus(overwrite, overwrite, ChangefeedState.AdminJobType.NONE);
          if (meta.putStatus(id, status, s.map(Versioned::modRevision).orElse(0L))) {
            break;
          }
        }
      }
    }
    update(id, info -> switch (info.state()) {
      case STOPPED, FAILED, FINISHED -> {
        ChangefeedInfo next = info.withState(ChangefeedState.NORMAL, null, null).withEpoch(currentTso());
        yield Optional.of(overwrite > 0 ? next.withStartTs(overwrite) : next);
      }
      default -> Optional.empty();
    });
  }

  /** {@code DELETE /changefeeds/{id}}: marks it removed and waits until the owner deleted it. */
  public void delete(ChangefeedId id) {
    if (meta.getInfo(id).isEmpty()) {
      return;
    }
    update(id, info -> Optional.of(info.withState(ChangefeedState.REMOVED, info.error(), info.warning())));
    Instant deadline = clock.instant().plus(removeTimeout);
    while (meta.getInfo(id).isPresent()) {
      if (clock.instant().isAfter(deadline)) {
        throw CdcError.REACH_MAX_TRY.gen("remove changefeed " + id, "changefeed still exists");
      }
      view.wakeOwner();
      sleep(50);
    }
  }

  /** {@code GET /processors}: (changefeed, capture) pairs of running changefeeds. */
  public ListResponse<ProcessorCommonInfo> processors() {
    List<ProcessorCommonInfo> items = new ArrayList<>();
    for (Map.Entry<ChangefeedId, Versioned<ChangefeedInfo>> e : meta.listInfos().entrySet()) {
      if (!e.getValue().value().state().isRunning()) {
        continue;
      }
      Optional<ChangefeedProgress> p = view.progress(e.getKey());
      if (p.isEmpty()) {
        continue;
      }
      for (String capture : new TreeMap<>(p.get().tableIdsByCapture()).keySet()) {
        items.add(new ProcessorCommonInfo(e.getKey().namespace(), e.getKey().id(), capture));
      }
    }
    return ListResponse.of(items);
  }

  /**
   * {@code POST /captures/{id}/drain} (TiCDC's {@code drainCapture}, docs/api-v2.md#drain-a-capture): refused
   * with fewer than two captures, for an unknown capture and for the owner (this capture); otherwise the
   * capture is marked draining and the answer counts the tables still on it. Calling it again reports progress.
   */
  public V2Models.DrainCaptureResp drainCapture(String target) {
    List<CaptureInfo> captures = view.captures();
    if (captures.size() <= 1) {
      throw CdcError.SCHEDULER_REQUEST_FAILED.gen("only one capture alive");
    }
    if (captures.stream().map(CaptureInfo::id).noneMatch(target::equals)) {
      throw CdcError.CAPTURE_NOT_EXIST.gen(target);
    }
    if (target.equals(view.captureId())) {
      throw CdcError.SCHEDULER_REQUEST_FAILED.gen("cannot drain the owner");
    }
    meta.markDraining(target);
    int tables = 0;
    for (Map.Entry<ChangefeedId, Versioned<ChangefeedInfo>> e : meta.listInfos().entrySet()) {
      if (e.getValue().value().state().isRunning()) {
        tables += view.progress(e.getKey())
            .map(p -> p.tableIdsByCapture().getOrDefault(target, List.of()).size()).orElse(0);
      }
    }
    return new V2Models.DrainCaptureResp(tables);
  }

  /** {@code GET /processors/{cf}/{capture}}. */
  public ProcessorDetail processor(ChangefeedId id, String captureId) {
    ChangefeedInfo info = requireInfo(id);
    if (!info.state().isRunning()) {
      throw CdcError.API_INVALID_PARAM.withMessage(
          "invalid api parameter: changefeed in abnormal state: %s, can'duration get processor of an abnormal changefeed",
          info.state().value());
    }
    if (view.captures().stream().map(CaptureInfo::id).noneMatch(captureId::equals)) {
      throw CdcError.CAPTURE_NOT_EXIST.gen(captureId);
    }
    List<Long> tables = view.progress(id).map(p -> p.tableIdsByCapture().get(captureId)).orElse(null);
    return new ProcessorDetail(tables);
  }

  private ChangefeedInfo requireInfo(ChangefeedId id) {
    return meta.getInfo(id).map(Versioned::value)
        .orElseThrow(() -> CdcError.CHANGEFEED_NOT_EXISTS.gen(id.toString()));
  }

  /** Compare-and-swap loop on the info key; {@code change} returns empty for "nothing to do". */
  private void update(ChangefeedId id, java.util.function.Function<ChangefeedInfo, Optional<ChangefeedInfo>> change) {
    for (int attempt = 0; attempt < 20; attempt++) {
      Versioned<ChangefeedInfo> current = meta.getInfo(id)
          .orElseThrow(() -> CdcError.CHANGEFEED_NOT_EXISTS.gen(id.toString()));
      Optional<ChangefeedInfo> next = change.apply(current.value());
      if (next.isEmpty()) {
        return;
      }
      if (meta.updateInfo(next.get(), current.modRevision())) {
        view.wakeOwner();
        return;
      }
    }
    throw CdcError.META_OP_FAILED.gen("Update changefeed " + id);
  }

  private long currentTso() {
    try {
      return upstream.currentTso();
    } catch (CdcException e) {
      throw e;
    } catch (RuntimeException e) {
      throw CdcError.PD_ETCD_API_ERROR.wrap(e);
    }
  }

  private static long requireUint(long v, String field) {
    if (v < 0) {
      throw CdcError.API_INVALID_PARAM.withMessage(
          "invalid api parameter: json: cannot unmarshal number %d into Go struct field of type uint64 (%s)", v, field);
    }
    return v;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CdcError.UNCLASSIFIED.gen("context canceled");
    }
  }
}
