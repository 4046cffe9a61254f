package io.kcdc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kcdc.common.Tso;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CodedException;
import io.kcdc.gateway.etcd.EtcdKeys;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.JsonTime;
import io.kcdc.gateway.owner.UpstreamClient.VerifiedTable;
import io.kcdc.gateway.owner.UpstreamClient.VerifiedTables;
import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.Http;
import io.kcdc.testkit.ServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The v2 routes beyond create/get/list/pause/resume/delete, on one capture against a real etcd:
 * update, meta_info, synced, log, verify_table and the unsafe routes, with their error bodies.
 */
class ChangefeedApiIT {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static final String KAFKA = "kafka://127.0.0.1:9092/topic-a?protocol=canal-json&sasl-password=secret";
  @RegisterExtension static final ServerExtension<Etcd> ETCD = ServerExtension.etcd();
  private static Client client;

  private final List<Capture> captures = new ArrayList<>();
  private final FakeDataPath data = new FakeDataPath();
  private String cluster;
  private Http api;

  @BeforeAll
  static void connect() {
    client = Client.builder().endpoints(ETCD.get().clientUrl()).build();
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  @AfterEach
  void stopCaptures() {
    captures.forEach(Capture::close);
  }

  private Capture startOwner() {
    cluster = "api" + CLUSTERS.incrementAndGet();
    Capture c = new Capture(CaptureConfig.of(cluster, "127.0.0.1:0", List.of(ETCD.get().clientUrl()), "v8.5.0"),
        data, data, data).start();
    captures.add(c);
    await().atMost(Duration.ofSeconds(15)).until(c::isOwner);
    api = Http.loopback(c.apiPort());
    return c;
  }

  private static JsonNode json(String body) throws Exception {
    return Json.MAPPER.readTree(body);
  }

  private String etcdValue(String key) throws Exception {
    var kvs = client.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get().getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  private long create(String id, String sinkUri) throws Exception {
    long startTs = data.currentTso() - Tso.compose(60_000, 0);
    Http.Response r = api.post("/api/v2/changefeeds",
        "{\"changefeed_id\":\"%s\",\"start_ts\":%d,\"sink_uri\":\"%s\"}".formatted(id, startTs, sinkUri));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    ChangefeedId cf = new ChangefeedId("default", id);
    await().atMost(Duration.ofSeconds(5)).until(() -> data.running.contains(cf));
    return startTs;
  }

  private static void assertError(Http.Response r, int status, String code, String message) throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(json(r.body())).isEqualTo(json(Json.compactString(new java.util.LinkedHashMap<>(java.util.Map.of(
        "error_msg", "[" + code + "]" + message, "error_code", code)))));
  }

  private static void assertErrorPrefix(Http.Response r, int status, String code, String messagePrefix) throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(json(r.body()).get("error_code").asText()).isEqualTo(code);
    assertThat(json(r.body()).get("error_msg").asText()).startsWith("[" + code + "]" + messagePrefix);
  }

  private Http.Response put(String path, String body) throws Exception {
    return api.put(path, body);
  }

  /** A failure of the data path, as the Streams app's sink and codec raise them. */
  private static final class DataPathFailure extends CodedException {
    DataPathFailure(CdcError error, String detail) {
      super(error, detail, null);
    }
  }

  @Test
  void dataPathCodesAnswerWithTheCataloguesStatus() throws Exception {
    startOwner();
    String body = "{\"changefeed_id\":\"cf-acks\",\"sink_uri\":\"%s\"}".formatted(KAFKA);
    data.validateFailure = new DataPathFailure(CdcError.KAFKA_INVALID_REQUIRED_ACKS, "invalid required acks 2");
    assertError(api.post("/api/v2/changefeeds", body), 500, "CDC:ErrKafkaInvalidRequiredAcks",
        "invalid required acks 2");
    data.validateFailure = new DataPathFailure(CdcError.SINK_URI_INVALID, "sink uri invalid 'x'");
    assertError(api.post("/api/v2/changefeeds", body), 400, "CDC:ErrSinkURIInvalid", "sink uri invalid 'x'");
  }

  @Test
  void updateRefusesRunningChangefeedsAndReplacesTheConfigOfAStoppedOne() throws Exception {
    startOwner();
    long startTs = create("cf-up", KAFKA);
    ChangefeedId id = new ChangefeedId("default", "cf-up");
    String path = "/api/v2/changefeeds/cf-up";

    assertError(put(path, "{\"target_ts\":1}"), 400, "CDC:ErrChangefeedUpdateRefused",
        "changefeed update error: can only update changefeed config when it is stopped or failed");
    assertError(put("/api/v2/changefeeds/nope", "{}"), 400, "CDC:ErrChangeFeedNotExists",
        "changefeed not exists, default/nope");
    assertError(put("/api/v2/changefeeds/bad_id", "{}"), 400, "CDC:ErrAPIInvalidParam", "invalid changefeed_id: bad_id");

    assertThat(api.post(path + "/pause", null).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> !data.running.contains(id));

    assertError(put(path, ""), 400, "CDC:ErrAPIInvalidParam", "invalid api parameter: EOF");
    assertError(put(path, "{}"), 400, "CDC:ErrChangefeedUpdateRefused",
        "changefeed update error: changefeed config is the same with the old one, do nothing");
    assertError(put(path, "{\"target_ts\":%d}".formatted(startTs)), 400, "CDC:ErrChangefeedUpdateRefused",
        "can not update target_ts:%d less than start_ts:%d".formatted(startTs, startTs));
    assertError(put(path, "{\"sink_uri\":\"foo://x\"}"), 400, "CDC:ErrChangefeedUpdateRefused",
        "changefeed update error: [CDC:ErrSinkURIInvalid]the sink scheme (foo) is not supported");
    assertErrorPrefix(put(path, "{\"replica_config\":{\"filter\":{\"rules\":[\"test-a.*\"]}}}"), 400,
        "CDC:ErrChangefeedUpdateRefused",
        "changefeed update error: [CDC:ErrFilterRuleInvalid]filter rule is invalid [test-a.*]: ");
    assertThat(put(path, "{\"replica_config\":{\"memory_quota\":\"x\"}}").status()).isEqualTo(400);

    long targetTs = startTs + Tso.compose(3_600_000, 0);
    Http.Response updated = put(path, """
        {"start_ts":1,"target_ts":%d,
         "sink_uri":"kafka://127.0.0.1:9092/topic-b?protocol=canal-json&sasl-password=other",
         "replica_config":{"filter":{"rules":["db.*"]},"sink":{"protocol":"canal-json"}}}""".formatted(targetTs));
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    JsonNode u = json(updated.body());
    assertThat(u.get("id").asText()).isEqualTo("cf-up");
    assertThat(u.get("sink_uri").asText()).isEqualTo("kafka://127.0.0.1:9092/topic-b?protocol=canal-json&sasl-password=xxxxx");
    assertThat(u.get("start_ts").asLong()).isEqualTo(startTs); // start_ts cannot be updated
    assertThat(u.get("target_ts").asLong()).isEqualTo(targetTs);
    assertThat(u.get("state").asText()).isEqualTo("stopped");
    assertThat(u.get("admin_job_type").asInt()).isEqualTo(1);
    assertThat(u.get("checkpoint_ts").asLong()).isEqualTo(startTs);
    assertThat(u.get("resolved_ts").asLong()).isEqualTo(startTs);
    // update replaces: omitted plain booleans are false, omitted sections keep their defaults,
    // a given section is taken as it is
    JsonNode config = u.get("config");
    assertThat(config.get("check_gc_safe_point").asBoolean()).isFalse();
    assertThat(config.get("memory_quota").asLong()).isEqualTo(1L << 30);
    assertThat(config.has("enable_sync_point")).isFalse();
    assertThat(config.get("filter")).isEqualTo(json("{\"rules\":[\"db.*\"]}"));
    assertThat(config.get("mounter")).isEqualTo(json("{\"worker_num\":16}"));
    assertThat(config.get("sink")).isEqualTo(json(
        "{\"protocol\":\"canal-json\",\"delete_only_output_handle_key_columns\":null,\"content_compatible\":null}"));

    JsonNode stored = json(etcdValue(new EtcdKeys(cluster).changefeedInfo(id)));
    assertThat(stored.get("sink-uri").asText()).endsWith("topic-b?protocol=canal-json&sasl-password=other");
    assertThat(stored.get("target-ts").asLong()).isEqualTo(targetTs);
    assertThat(stored.get("config").get("filter").get("rules").get(0).asText()).isEqualTo("db.*");
    assertThat(stored.get("state").asText()).isEqualTo("stopped");

    // GET masks, meta_info does not
    assertThat(json(api.get(path).body()).get("sink_uri").asText()).endsWith("sasl-password=xxxxx");
    Http.Response metaInfo = api.get(path + "/meta_info");
    assertThat(metaInfo.status()).isEqualTo(200);
    JsonNode m = json(metaInfo.body());
    assertThat(m.get("sink_uri").asText()).isEqualTo("kafka://127.0.0.1:9092/topic-b?protocol=canal-json&sasl-password=other");
    assertThat(m.get("target_ts").asLong()).isEqualTo(targetTs);
    assertThat(m.get("config").has("consistent")).isFalse(); // pruned for kafka, as GET
    assertError(api.get("/api/v2/changefeeds/nope/meta_info"), 400, "CDC:ErrChangeFeedNotExists",
        "changefeed not exists, default/nope");
    assertError(api.get("/api/v2/changefeeds/a.b/meta_info"), 400, "CDC:ErrAPIInvalidParam",
        "invalid changefeed_id: a.b");

    // the resumed changefeed runs with the new info
    assertThat(api.post(path + "/resume", "{}").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> data.running.contains(id));
    assertThat(data.startedWith.get(id).sinkUri()).contains("topic-b");
    assertThat(data.startedWith.get(id).targetTs()).isEqualTo(targetTs);
    assertThat(data.startedWith.get(id).config().filter().rules()).containsExactly("db.*");
  }

  @Test
  void syncedReportsTiCdcsFourCases() throws Exception {
    startOwner();
    long startTs = create("cf-sync", "blackhole://");
    String path = "/api/v2/changefeeds/cf-sync/synced";
    long now = data.currentTso();
    long checkpoint = now - Tso.compose(5_000, 0);

    // rows were written 10 s ago: not finished
    data.report("cf-sync", checkpoint, checkpoint, now - Tso.compose(10_000, 0));
    await().atMost(Duration.ofSeconds(5)).until(() ->
        json(api.get("/api/v2/changefeeds/cf-sync").body()).get("checkpoint_ts").asLong() == checkpoint);
    Http.Response r = api.get(path);
    assertThat(r.status()).isEqualTo(200);
    JsonNode s = json(r.body());
    assertThat(fieldNames(s)).containsExactly(
        "synced", "sink_checkpoint_ts", "puller_resolved_ts", "last_synced_ts", "now_ts", "info");
    assertThat(s.get("synced").asBoolean()).isFalse();
    assertThat(s.get("sink_checkpoint_ts").asText()).isEqualTo(JsonTime.ofTso(checkpoint));
    assertThat(s.get("puller_resolved_ts").asText()).isEqualTo(JsonTime.ofTso(checkpoint));
    assertThat(s.get("last_synced_ts").asText()).isEqualTo(JsonTime.ofTso(now - Tso.compose(10_000, 0)));
    assertThat(s.get("now_ts").asText()).endsWith(".000");
    assertThat(s.get("info").asText()).isEqualTo("The data syncing is not finished, please wait");

    // a body's synced_status overrides the changefeed's thresholds: 5 s quiet, checkpoint within 15 s
    Http.Response viaBody = api.send("GET", path,
        "{\"replica_config\":{\"synced_status\":{\"synced_check_interval\":5}}}");
    assertThat(json(viaBody.body()).get("synced").asBoolean()).isTrue();
    assertThat(json(viaBody.body()).get("info").asText()).isEqualTo("Data syncing is finished");
    assertThat(api.send("GET", path, "{\"replica_config\":{\"synced_status\":\"x\"}}").status()).isEqualTo(400);

    // quiet for 10 min and the checkpoint is current: synced
    long later = now + Tso.compose(1, 0);
    data.report("cf-sync", later, later, now - Tso.compose(600_000, 0));
    await().atMost(Duration.ofSeconds(5)).until(() -> json(api.get(path).body()).get("synced").asBoolean());
    assertThat(json(api.get(path).body()).get("info").asText()).isEqualTo("Data syncing is finished");

    // PD unreachable: not synced, now is the Unix epoch and the error leads the message
    data.tsoFailure = new IllegalStateException("pd down");
    JsonNode down = json(api.get(path).body());
    data.tsoFailure = null;
    assertThat(down.get("synced").asBoolean()).isFalse();
    assertThat(down.get("now_ts").asText()).isEqualTo(JsonTime.format(Instant.EPOCH, ZoneId.systemDefault()));
    assertThat(down.get("info").asText()).isEqualTo(
        "[CDC:ErrAPIGetPDClientFailed]failed to get PDClient to connect PD, please recheck: pd down. You should check "
            + "the pd status first. If pd status is normal, means we don't finish sync data. If pd is offline, please "
            + "check whether we satisfy the condition that the time difference from lastSyncedTs to the current time "
            + "from the time zone of pd is greater than 300 secs. If it's satisfied, means the data syncing is totally "
            + "finished");

    assertError(api.get("/api/v2/changefeeds/nope/synced"), 400, "CDC:ErrChangeFeedNotExists",
        "changefeed not exists, default/nope");
    assertError(api.get("/api/v2/changefeeds/-x/synced"), 400, "CDC:ErrAPIInvalidParam",
        "invalid changefeed_id: -x");
    assertThat(startTs).isPositive();
  }

  @Test
  void syncedWithAnOldCheckpointAsksToCheckPdAndTikv() throws Exception {
    startOwner();
    long startTs = create("cf-old", "blackhole://");
    data.report("cf-old", startTs + 1, startTs + 1, startTs);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        json(api.get("/api/v2/changefeeds/cf-old").body()).get("checkpoint_ts").asLong() == startTs + 1);
    // the rows are 60 s old: quiet for a 30 s check interval, but the checkpoint is 60 s behind too
    JsonNode s = json(api.send("GET", "/api/v2/changefeeds/cf-old/synced",
        "{\"replica_config\":{\"synced_status\":{\"synced_check_interval\":30}}}").body());
    assertThat(s.get("synced").asBoolean()).isFalse();
    assertThat(s.get("info").asText()).startsWith("Please check whether PD is online and TiKV Regions are all available.");
  }

  @Test
  void logLevelChangesAtRunTime() throws Exception {
    startOwner();
    org.slf4j.Logger probe = LoggerFactory.getLogger("io.kcdc.probe");
    System.setProperty("org.slf4j.simpleLogger.log.io.kcdc.quiet", "warn");
    org.slf4j.Logger quiet = LoggerFactory.getLogger("io.kcdc.quiet.x");
    try {
      Http.Response debug = api.post("/api/v2/log", "{\"log_level\":\"debug\"}");
      assertThat(debug.status()).isEqualTo(200);
      assertThat(debug.body()).isEqualTo("{}");
      assertThat(probe.isDebugEnabled()).isTrue();
      assertThat(LoggerFactory.getLogger("io.kcdc.created.later").isDebugEnabled()).isTrue();
      assertThat(quiet.isInfoEnabled()).as("a logger with a level of its own keeps it").isFalse();
      assertThat(api.post("/api/v2/log", "{\"log_level\":\"ERROR\"}").status()).isEqualTo(200);
      assertThat(probe.isWarnEnabled()).isFalse();
      assertError(api.post("/api/v2/log", "{\"log_level\":\"verbose\"}"), 400, "CDC:ErrAPIInvalidParam",
          "fail to change log level: verbose");
      assertError(api.post("/api/v2/log", ""), 400, "CDC:ErrAPIInvalidParam", "invalid api parameter: EOF");
    } finally {
      assertThat(api.post("/api/v2/log", "{}").status()).isEqualTo(200); // {} keeps the pre-filled "info"
    }
    assertThat(probe.isInfoEnabled()).isTrue();
    assertThat(probe.isDebugEnabled()).isFalse();
  }

  @Test
  void verifyTableListsIneligibleAndEligibleTables() throws Exception {
    startOwner();
    data.tables = new VerifiedTables(
        List.of(new VerifiedTable("test", "nopk", 70, false)),
        List.of(new VerifiedTable("test", "t1", 68, false), new VerifiedTable("test", "p", 72, true)));
    Http.Response r = api.post("/api/v2/verify_table", "{\"replica_config\":{\"filter\":{\"rules\":[\"test.*\"]}}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"ineligible_tables\":[{\"database_name\":\"test\",\"table_name\":\"nopk\","
        + "\"table_id\":70,\"is_partition\":false}],\"eligible_tables\":[{\"database_name\":\"test\","
        + "\"table_name\":\"t1\",\"table_id\":68,\"is_partition\":false},{\"database_name\":\"test\","
        + "\"table_name\":\"p\",\"table_id\":72,\"is_partition\":true}]}");
    data.tables = new VerifiedTables(List.of(), List.of());
    assertThat(api.post("/api/v2/verify_table", "{}").body()).isEqualTo("{}");
    assertErrorPrefix(api.post("/api/v2/verify_table", "{\"replica_config\":{\"filter\":{\"rules\":[\"a.b.c\"]}}}"),
        400, "CDC:ErrFilterRuleInvalid", "filter rule is invalid [a.b.c]: ");
    assertError(api.post("/api/v2/verify_table", ""), 400, "CDC:ErrAPIInvalidParam", "invalid api parameter: EOF");
  }

  @Test
  void createRefusesIneligibleTablesUnlessForcedOrIgnored() throws Exception {
    startOwner();
    data.tables = new VerifiedTables(
        List.of(new VerifiedTable("test", "nopk", 70, false), new VerifiedTable("test", "nouk", 71, false)),
        List.of(new VerifiedTable("test", "t1", 68, false)));
    String body = "{\"changefeed_id\":\"%s\",\"sink_uri\":\"%s\",\"replica_config\":%s}";
    assertError(api.post("/api/v2/changefeeds", body.formatted("cf-inel", KAFKA, "{}")), 400,
        "CDC:ErrTableIneligible", "some tables are not eligible to replicate([test.nopk test.nouk]), if you want to "
            + "ignore these tables, please set ignore_ineligible_table to true");
    assertThat(api.post("/api/v2/changefeeds",
        body.formatted("cf-ignore", KAFKA, "{\"ignore_ineligible_table\":true}")).status()).isEqualTo(200);
    assertThat(api.post("/api/v2/changefeeds",
        body.formatted("cf-force", KAFKA, "{\"force_replicate\":true}")).status()).isEqualTo(200);
    data.tables = new VerifiedTables(List.of(), List.of());
  }

  @Test
  void unsafeRoutes() throws Exception {
    Capture owner = startOwner();
    create("cf-meta", "blackhole://");

    Http.Response meta = api.get("/api/v2/unsafe/metadata");
    assertThat(meta.status()).isEqualTo(200);
    assertThat(meta.body()).startsWith("[\n    {\n        \"key\": \"/tidb/cdc/" + cluster + "/");
    JsonNode items = json(meta.body());
    List<String> keys = new ArrayList<>();
    items.forEach(i -> keys.add(i.get("key").asText()));
    EtcdKeys k = new EtcdKeys(cluster);
    ChangefeedId id = new ChangefeedId("default", "cf-meta");
    assertThat(keys).contains(k.capture(owner.captureId()), k.changefeedInfo(id), k.changefeedStatus(id));
    assertThat(keys).isSorted();
    for (JsonNode i : items) {
      if (i.get("key").asText().equals(k.changefeedInfo(id))) {
        assertThat(i.get("value").asText()).isEqualTo(etcdValue(k.changefeedInfo(id)));
      }
    }

    String gc = "/api/v2/unsafe/service_gc_safepoint";
    assertError(api.delete(gc), 400, "CDC:ErrAPIInvalidParam", "invalid api parameter: EOF");
    assertError(api.send("DELETE", gc, "{\"id\":42}"), 500, "CDC:ErrUpstreamNotFound",
        "upstream not found, cluster-id: 42");
    await().atMost(Duration.ofSeconds(5)).until(() -> !data.serviceSafePoints.isEmpty());
    String serviceId = data.serviceSafePoints.keySet().iterator().next();
    assertThat(serviceId).startsWith("ticdc-" + cluster + "-");
    Http.Response removed = api.send("DELETE", gc, "{}");
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.body()).isEqualTo("{}");
    assertThat(data.serviceSafePointTtls.get(serviceId)).isZero();
    assertThat(data.serviceSafePoints.get(serviceId)).isEqualTo(-1L); // MaxUint64

    String lock = "/api/v2/unsafe/resolve_lock";
    assertError(api.post(lock, "{\"ts\":5}"), 400, "CDC:ErrAPIInvalidParam",
        "invalid api parameter: Key: 'ResolveLockReq.RegionID' Error:Field validation for 'RegionID' failed on the 'required' tag");
    Http.Response unavailable = api.post(lock, "{\"region_id\":2,\"ts\":5}");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.body()).isEmpty();
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
