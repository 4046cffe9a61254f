package io.kcdc.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kcdc.common.Tso;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.common.errors.CodedException;
import io.kcdc.gateway.api.V2Models.Capture;
import io.kcdc.gateway.api.V2Models.ChangefeedConfig;
import io.kcdc.gateway.api.V2Models.EmptyResponse;
import io.kcdc.gateway.api.V2Models.EtcdData;
import io.kcdc.gateway.api.V2Models.HttpError;
import io.kcdc.gateway.api.V2Models.ListResponse;
import io.kcdc.gateway.api.V2Models.LogLevelReq;
import io.kcdc.gateway.api.V2Models.ResolveLockReq;
import io.kcdc.gateway.api.V2Models.ResumeChangefeedConfig;
import io.kcdc.gateway.api.V2Models.ServerStatus;
import io.kcdc.gateway.api.V2Models.UpstreamConfig;
import io.kcdc.gateway.api.V2Models.VerifyTableConfig;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.ReplicaConfigs;
import io.kcdc.gateway.owner.UpstreamClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TiCDC's OpenAPI v2 on Jetty: the routes of docs/api-v2.md#routes that the control plane serves,
 * TiCDC's error body and status mapping, forwarding of owner routes to the owner, and
 * {@code /metrics}.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String V2 = "/api/v2";

  private final ClusterView view;
  private final ChangefeedService changefeeds;
  private final UpstreamClient upstream;
  private final PrometheusMeterRegistry metrics;
  private final OwnerForwarder forwarder;
  private final ApiRouter app = new ApiRouter();
  private JettyServer server;

  public ApiServer(ClusterView view, ChangefeedService changefeeds, UpstreamClient upstream,
      PrometheusMeterRegistry metrics, OwnerForwarder forwarder) {
    this.view = view;
    this.changefeeds = changefeeds;
    this.upstream = upstream;
    this.metrics = metrics;
    this.forwarder = forwarder;
    routes();
  }

  private void routes() {
    app.before(V2 + "/", ctx -> {
      if (!view.isReady()) {
        throw CdcError.SERVER_IS_NOT_READY.gen();
      }
    });
    app.get(V2 + "/status", ctx -> indented(ctx, new ServerStatus(
        view.version(), view.gitHash(), view.captureId(), view.clusterId(),
        ProcessHandle.current().pid(), view.isOwner(), view.liveness())));
    app.get(V2 + "/health", owner(ctx -> {
      if (!view.ownerHealthy()) {
        throw CdcError.CLUSTER_IS_UNHEALTHY.gen();
      }
      json(ctx, new EmptyResponse());
    }));
    app.get(V2 + "/captures", owner(ctx -> {
      Optional<String> ownerId = view.ownerId();
      json(ctx, ListResponse.of(view.captures().stream()
          .map(c -> new Capture(c.id(), ownerId.map(c.id()::equals).orElse(false), c.address(), view.clusterId()))
          .toList()));
    }));
    app.post(V2 + "/captures/{capture_id}/drain", owner(ctx -> {
      String target = ctx.pathParam("capture_id");
      V2Models.DrainCaptureResp resp = changefeeds.drainCapture(target);
      ctx.status(202).contentType(JSON).result(Json.compact(resp));
    }));
    app.post(V2 + "/changefeeds", owner(ctx ->
        json(ctx, changefeeds.create(bind(ctx, ChangefeedConfig.class)))));
    app.get(V2 + "/changefeeds", owner(ctx ->
        json(ctx, changefeeds.list(namespace(ctx), ctx.queryParam("state")))));
    app.get(V2 + "/changefeeds/{changefeed_id}", owner(ctx ->
        json(ctx, changefeeds.get(changefeedId(ctx)))));
    app.put(V2 + "/changefeeds/{changefeed_id}", owner(ctx -> {
      ChangefeedId id = changefeedId(ctx);
      json(ctx, changefeeds.update(id, () -> bind(ctx, ChangefeedConfig.class)));
    }));
    app.get(V2 + "/changefeeds/{changefeed_id}/meta_info", owner(ctx ->
        json(ctx, changefeeds.metaInfo(changefeedId(ctx)))));
    app.get(V2 + "/changefeeds/{changefeed_id}/synced", owner(ctx -> {
      ChangefeedId id = changefeedId(ctx);
      Optional<ChangefeedConfig> body = ctx.bodyAsBytes().length > 0
          ? Optional.of(bind(ctx, ChangefeedConfig.class)) : Optional.empty();
      json(ctx, changefeeds.synced(id, body));
    }));
    app.get(V2 + "/changefeeds/{changefeed_id}/status", owner(ctx ->
        json(ctx, changefeeds.status(changefeedId(ctx)))));
    app.post(V2 + "/changefeeds/{changefeed_id}/pause", owner(ctx -> {
      changefeeds.pause(changefeedId(ctx));
      json(ctx, new EmptyResponse());
    }));
    app.post(V2 + "/changefeeds/{changefeed_id}/resume", owner(ctx -> {
      ChangefeedId id = changefeedId(ctx);
      changefeeds.resume(id, bind(ctx, ResumeChangefeedConfig.class));
      json(ctx, new EmptyResponse());
    }));
    app.delete(V2 + "/changefeeds/{changefeed_id}", owner(ctx -> {
      changefeeds.delete(changefeedId(ctx));
      json(ctx, new EmptyResponse());
    }));
    app.get(V2 + "/processors", owner(ctx -> json(ctx, changefeeds.processors())));
    app.get(V2 + "/processors/{changefeed_id}/{capture_id}", owner(ctx -> {
      ChangefeedId id = changefeedId(ctx);
      String capture = ctx.pathParam("capture_id");
      ChangefeedIds.requireValidCaptureId(capture);
      json(ctx, changefeeds.processor(id, capture));
    }));
    app.post(V2 + "/owner/resign", owner(ctx -> {
      view.resignOwner();
      json(ctx, new EmptyResponse());
    }));
    app.post(V2 + "/tso", ctx -> {
      UpstreamConfig req = bind(ctx, UpstreamConfig.class);
      requireKnownUpstream(req.id());
      requireServersUpstream(req);
      long ts = upstream.currentTso();
      indented(ctx, new V2Models.Tso(Tso.physical(ts), Tso.logical(ts)));
    });
    app.post(V2 + "/log", ctx -> {
      LogLevelReq req = bind(ctx, LogLevelReq.class);
      LogLevels.apply(req.logLevel() == null ? "info" : req.logLevel());
      json(ctx, new EmptyResponse());
    });
    app.post(V2 + "/verify_table", ctx -> json(ctx, verifyTable(bind(ctx, VerifyTableConfig.class))));
    app.get(V2 + "/unsafe/metadata", owner(ctx -> indented(ctx, view.metadata().entrySet().stream()
        .map(e -> new EtcdData(e.getKey(), e.getValue())).toList())));
    app.delete(V2 + "/unsafe/service_gc_safepoint", owner(ctx -> {
      UpstreamConfig req = bind(ctx, UpstreamConfig.class);
      requireKnownUpstream(req.id());
      requireServersUpstream(req);
      try {
        // TiCDC's RemoveServiceGCSafepoint: TTL 0 and safepoint MaxUint64.
        upstream.updateServiceGcSafePoint(view.gcServiceId(), 0, -1L);
      } catch (RuntimeException e) {
        throw e instanceof CdcException c ? c : CdcError.INTERNAL_SERVER_ERROR.wrap(e);
      }
      json(ctx, new EmptyResponse());
    }));
    app.post(V2 + "/unsafe/resolve_lock", owner(ctx -> {
      ResolveLockReq req = bind(ctx, ResolveLockReq.class);
      requireNonZero(req.regionId(), "RegionID");
      requireNonZero(req.ts(), "Ts");
      try {
        List<String> pdAddrs = req.pdAddrs() == null ? List.of() : req.pdAddrs();
        io.kcdc.common.security.Credential credential = new io.kcdc.common.security.Credential(
            req.caPath(), req.certPath(), req.keyPath(), req.certAllowedCn());
        upstream.resolveLock(req.regionId(), req.ts(), pdAddrs, credential);
      } catch (io.kcdc.common.security.TlsConfigException e) {
        throw CdcError.UNCLASSIFIED.gen(e.errorMsg());
      } catch (UnsupportedOperationException e) {
        // TiCDC answers 503 without a body when it has no TiKV storage to resolve locks with.
        ctx.status(503).result(new byte[0]);
        return;
      } catch (RuntimeException e) {
        throw e instanceof CdcException c ? c : CdcError.INTERNAL_SERVER_ERROR.wrap(e);
      }
      json(ctx, new EmptyResponse());
    }));
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));

    app.exception(CdcException.class, (e, ctx) -> error(ctx, e));
    // A data-path failure that reaches the API keeps its code and the catalogue's status.
    app.exception(CodedException.class, (e, ctx) -> error(ctx, CdcException.of(e)));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.warn("request {} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, CdcError.UNCLASSIFIED.gen(String.valueOf(e.getMessage())));
    });
    app.after(ctx -> Counter.builder("ticdc_api_requests")
        .tag("method", ctx.method())
        .tag("status", String.valueOf(ctx.statusCode()))
        .register(metrics)
        .increment());
  }

  /**
   * TiCDC's {@code withUpstreamConfig} (tso, service GC safepoint): an upstream id wins over PDs; PDs are
   * reached with the request's paths but no CN list, a failure wrapped in ErrInternalServerError.
   */
  private void requireServersUpstream(UpstreamConfig req) {
    if (req.id() != null && req.id() > 0) {
      return;
    }
    NamedUpstream.requireServersUpstream(upstream, req.pdAddrs(),
        NamedUpstream.credential(req.caPath(), req.certPath(), req.keyPath(), List.of()),
        CdcError.INTERNAL_SERVER_ERROR::wrap);
  }

  /** {@code POST /verify_table}: the tables the filter matches at {@code start_ts} (now if 0), by eligibility. */
  private V2Models.Tables verifyTable(VerifyTableConfig req) {
    // verifyTable opens a TiKV store with the request's PDs and credential (ErrNewStore when it cannot).
    NamedUpstream.requireServersUpstream(upstream, req.pdAddrs(), NamedUpstream.credential(
        req.caPath(), req.certPath(), req.keyPath(), req.certAllowedCn()), CdcError.NEW_STORE::wrap);
    ReplicaConfig config;
    try {
      config = ReplicaConfigs.mergeOnDefaults(req.replicaConfig());
    } catch (IllegalArgumentException e) {
      throw CdcError.API_INVALID_PARAM.wrap(e);
    }
    List<String> rules = config.filter() == null || config.filter().rules() == null ? List.of() : config.filter().rules();
    TableFilterRules.validate(rules);
    long startTs = req.startTs() == null || req.startTs() == 0 ? upstream.currentTso() : req.startTs();
    UpstreamClient.VerifiedTables tables;
    try {
      tables = upstream.verifyTables(startTs, rules, Boolean.TRUE.equals(config.caseSensitive()));
    } catch (UnsupportedOperationException e) {
      throw CdcError.INTERNAL_SERVER_ERROR.wrap(e);
    }
    return new V2Models.Tables(toApi(tables.ineligible()), toApi(tables.eligible()));
  }

  private static List<V2Models.TableName> toApi(List<UpstreamClient.VerifiedTable> tables) {
    return tables.stream().map(t -> new V2Models.TableName(t.schema(), t.table(), t.tableId(), t.isPartition())).toList();
  }

  private void requireKnownUpstream(Long id) {
    if (id != null && id > 0 && id != upstream.clusterId()) {
      throw CdcError.UPSTREAM_NOT_FOUND.gen(id);
    }
  }

  /** gin's {@code binding:"required"} on a number: zero fails validation. */
  private static void requireNonZero(Long v, String field) {
    if (v == null || v == 0) {
      throw CdcError.API_INVALID_PARAM.withMessage(
          "invalid api parameter: Key: 'ResolveLockReq.%s' Error:Field validation for '%s' failed on the 'required' tag",
          field, field);
    }
  }

  /** Serves a route on the owner: forwards the request there when this capture is not it. */
  private ApiRouter.Handler owner(ApiRouter.Handler handler) {
    return ctx -> {
      if (view.isOwner()) {
        handler.handle(ctx);
        return;
      }
      Optional<String> ownerId = view.ownerId();
      if (ownerId.isEmpty()) {
        throw CdcError.UNCLASSIFIED.gen("election: no leader");
      }
      if (ownerId.get().equals(view.captureId())) {
        handler.handle(ctx); // elected, the owner loop is starting
        return;
      }
      forwarder.forward(ctx, ownerId.get());
    };
  }

  private static String namespace(ApiContext ctx) {
    String ns = ctx.queryParam("namespace");
    return ns == null || ns.isEmpty() ? ChangefeedId.DEFAULT_NAMESPACE : ns;
  }

  private static ChangefeedId changefeedId(ApiContext ctx) {
    String id = ctx.pathParam("changefeed_id");
    ChangefeedIds.requireValidChangefeedId(id);
    return new ChangefeedId(namespace(ctx), id);
  }

  /** gin's {@code BindJSON}: an empty body is {@code EOF}, malformed JSON a bad request. */
  static <T> T bind(ApiContext ctx, Class<T> type) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      throw CdcError.API_INVALID_PARAM.withMessage("invalid api parameter: EOF");
    }
    try {
      return Json.MAPPER.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw CdcError.API_INVALID_PARAM.withMessage("invalid api parameter: %s", e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw CdcError.API_INVALID_PARAM.wrap(e);
    }
  }

  private static void json(ApiContext ctx, Object body) {
    ctx.status(200).contentType(JSON).result(Json.compact(body));
  }

  private static void indented(ApiContext ctx, Object body) {
    ctx.status(200).contentType(JSON).result(Json.indented(body));
  }

  private static void error(ApiContext ctx, CdcException e) {
    ctx.status(e.httpStatus()).contentType(JSON).result(Json.indented(HttpError.of(e)));
  }

  /** Starts listening; port 0 picks a free port. */
  public ApiServer start(String host, int port) {
    return start(host, port, io.kcdc.common.security.Credential.NONE);
  }

  /** Starts listening, over HTTPS when {@code security} has paths (docs/security.md). */
  public ApiServer start(String host, int port, io.kcdc.common.security.Credential security) {
    server = new JettyServer(host, port, app, security);
    server.start();
    return this;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
