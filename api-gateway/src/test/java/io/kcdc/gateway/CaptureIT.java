package io.kcdc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.kcdc.common.Tso;
import io.kcdc.gateway.etcd.CaptureSession;
import io.kcdc.gateway.etcd.EtcdKeys;
import io.kcdc.gateway.model.CaptureInfo;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.JsonTime;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.Http;
import io.kcdc.testkit.ServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Captures against a real etcd: election, forwarding, the changefeed lifecycle over HTTP, leases. */
class CaptureIT {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  @RegisterExtension static final ServerExtension<Etcd> ETCD = ServerExtension.etcd();
  private static Client client;

  private final List<Capture> captures = new ArrayList<>();
  private final FakeDataPath data = new FakeDataPath();
  private String cluster;

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

  private Capture startCapture() {
    if (cluster == null) {
      cluster = "it" + CLUSTERS.incrementAndGet();
    }
    Capture c = new Capture(CaptureConfig.of(cluster, "127.0.0.1:0", List.of(ETCD.get().clientUrl()), "v8.5.0"),
        data, data, data).start();
    captures.add(c);
    return c;
  }

  private static JsonNode json(String body) throws Exception {
    return Json.MAPPER.readTree(body);
  }

  private Capture awaitOwner() {
    await().atMost(Duration.ofSeconds(15)).until(() -> captures.stream().filter(Capture::isOwner).count() == 1);
    return captures.stream().filter(Capture::isOwner).findFirst().orElseThrow();
  }

  private Capture nonOwner() {
    return captures.stream().filter(c -> !c.isOwner()).findFirst().orElseThrow();
  }

  private String etcdValue(String key) throws Exception {
    var kvs = client.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get().getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  @Test
  void twoCapturesElectOneOwnerAndTheOtherForwards() throws Exception {
    startCapture();
    startCapture();
    Capture owner = awaitOwner();
    Capture other = nonOwner();

    JsonNode ownerStatus = json(Http.loopback(owner.apiPort()).get("/api/v2/status").body());
    JsonNode otherStatus = json(Http.loopback(other.apiPort()).get("/api/v2/status").body());
    assertThat(ownerStatus.get("is_owner").asBoolean()).isTrue();
    assertThat(otherStatus.get("is_owner").asBoolean()).isFalse();
    assertThat(otherStatus.get("id").asText()).isEqualTo(other.captureId());
    assertThat(otherStatus.get("cluster_id").asText()).isEqualTo(cluster);
    assertThat(otherStatus.get("liveness").asInt()).isZero();
    assertThat(otherStatus.get("version").asText()).isEqualTo("v8.5.0");

    Http.Response viaOther = Http.loopback(other.apiPort()).get("/api/v2/captures");
    assertThat(viaOther.status()).isEqualTo(200);
    List<String> items = captures.stream()
        .sorted((a, b) -> a.captureId().compareTo(b.captureId()))
        .map(c -> String.format("{\"id\":\"%s\",\"is_owner\":%s,\"address\":\"%s\",\"cluster_id\":\"%s\"}",
            c.captureId(), c == owner, c.advertiseAddr(), cluster))
        .toList();
    String expected = "{\"total\":2,\"items\":[" + String.join(",", items) + "]}";
    assertThat(json(viaOther.body())).isEqualTo(json(expected));
    assertThat(viaOther.body()).isEqualTo(Http.loopback(owner.apiPort()).get("/api/v2/captures").body());

    assertThat(Http.loopback(other.apiPort()).get("/api/v2/health").status()).isEqualTo(200);

    CaptureInfo registered = Json.read(etcdValue(new EtcdKeys(cluster).capture(other.captureId()))
        .getBytes(StandardCharsets.UTF_8), CaptureInfo.class);
    assertThat(registered.address()).isEqualTo(other.advertiseAddr());
    assertThat(etcdValue(new EtcdKeys(cluster).metaVersion())).isEqualTo("1");
  }

  @Test
  void resignHandsOwnershipToTheOtherCapture() throws Exception {
    startCapture();
    startCapture();
    Capture first = awaitOwner();
    Capture second = nonOwner();
    Http.Response r = Http.loopback(second.apiPort()).post("/api/v2/owner/resign", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{}");
    await().atMost(Duration.ofSeconds(10)).until(second::isOwner);
    assertThat(first.isOwner()).isFalse();
    JsonNode list = json(Http.loopback(first.apiPort()).get("/api/v2/captures").body());
    assertThat(list.get("total").asInt()).isEqualTo(2);
  }

  @Test
  void changefeedLifecycleOverHttp() throws Exception {
    startCapture();
    startCapture();
    Capture owner = awaitOwner();
    Http api = Http.loopback(nonOwner().apiPort());
    long startTs = data.currentTso() - Tso.compose(60_000, 0);

    Http.Response created = api.post("/api/v2/changefeeds", """
        {"changefeed_id":"cf-kafka-1","start_ts":%d,
         "sink_uri":"kafka://127.0.0.1:9092/topic?protocol=canal-json&sasl-password=secret",
         "replica_config":{"filter":{"rules":["test.*","!test.tmp_*"]}}}""".formatted(startTs));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    JsonNode c = json(created.body());
    assertThat(c.get("upstream_id").asLong()).isEqualTo(FakeDataPath.CLUSTER_ID);
    assertThat(c.get("namespace").asText()).isEqualTo("default");
    assertThat(c.get("id").asText()).isEqualTo("cf-kafka-1");
    assertThat(c.get("sink_uri").asText())
        .isEqualTo("kafka://127.0.0.1:9092/topic?protocol=canal-json&sasl-password=xxxxx");
    assertThat(c.get("start_ts").asLong()).isEqualTo(startTs);
    assertThat(c.has("target_ts")).isFalse();
    assertThat(c.has("admin_job_type")).isFalse();
    assertThat(c.get("state").asText()).isEqualTo("normal");
    assertThat(c.get("creator_version").asText()).isEqualTo("v8.5.0");
    assertThat(c.get("resolved_ts").asLong()).isEqualTo(startTs);
    assertThat(c.get("checkpoint_ts").asLong()).isEqualTo(startTs);
    assertThat(c.get("checkpoint_time").asText()).isEqualTo(JsonTime.ofTso(startTs));
    assertThat(c.get("config").get("filter")).isEqualTo(json("{\"rules\":[\"test.*\",\"!test.tmp_*\"]}"));
    assertThat(c.get("config").has("consistent")).isTrue(); // the POST response is not pruned
    assertThat(c.has("error")).isFalse();

    // etcd: the info written by the API, in kebab-case; the status created by the owner
    EtcdKeys keys = new EtcdKeys(cluster);
    ChangefeedId id = new ChangefeedId("default", "cf-kafka-1");
    JsonNode info = json(etcdValue(keys.changefeedInfo(id)));
    assertThat(info.get("changefeed-id").asText()).isEqualTo("cf-kafka-1");
    assertThat(info.get("sink-uri").asText()).contains("sasl-password=secret");
    assertThat(info.get("start-ts").asLong()).isEqualTo(startTs);
    assertThat(info.get("state").asText()).isEqualTo("normal");
    assertThat(info.get("admin-job-type").asInt()).isZero();
    assertThat(info.get("upstream-id").asLong()).isEqualTo(FakeDataPath.CLUSTER_ID);
    assertThat(info.get("config").get("memory-quota").asLong()).isEqualTo(1L << 30);
    assertThat(info.get("config").get("filter").get("rules").get(1).asText()).isEqualTo("!test.tmp_*");
    assertThat(etcdValue(keys.upstream("default", FakeDataPath.CLUSTER_ID))).contains("\"id\":" + FakeDataPath.CLUSTER_ID);
    await().atMost(Duration.ofSeconds(5)).until(() -> etcdValue(keys.changefeedStatus(id)) != null);
    assertThat(json(etcdValue(keys.changefeedStatus(id)))).isEqualTo(json(
        "{\"checkpoint-ts\":%d,\"min-table-barrier-ts\":%d,\"admin-job-type\":0}".formatted(startTs, startTs)));
    await().atMost(Duration.ofSeconds(5)).until(() -> data.running.contains(id));
    await().atMost(Duration.ofSeconds(5)).until(() ->
        data.localReconciles.stream().filter(l -> l.contains("cf-kafka-1")).count() >= 2);

    // list and get
    Http.Response list = api.get("/api/v2/changefeeds");
    assertThat(json(list.body())).isEqualTo(json(("{\"total\":1,\"items\":[{\"upstream_id\":%d,\"namespace\":\"default\","
        + "\"id\":\"cf-kafka-1\",\"state\":\"normal\",\"checkpoint_tso\":%d,\"checkpoint_time\":\"%s\",\"error\":null}]}")
        .formatted(FakeDataPath.CLUSTER_ID, startTs, JsonTime.ofTso(startTs))));
    JsonNode got = json(api.get("/api/v2/changefeeds/cf-kafka-1").body());
    assertThat(got.get("sink_uri").asText()).endsWith("sasl-password=xxxxx");
    assertThat(got.get("config").has("consistent")).isFalse(); // pruned for kafka
    assertThat(got.get("config").has("enable_sync_point")).isFalse();
    assertThat(got.get("config").get("sink").has("csv")).isFalse();
    assertThat(got.get("create_time").asText()).isEqualTo(c.get("create_time").asText());

    // errors
    Http.Response dup = api.post("/api/v2/changefeeds",
        "{\"changefeed_id\":\"cf-kafka-1\",\"sink_uri\":\"blackhole://\"}");
    assertThat(dup.status()).isEqualTo(500);
    assertThat(json(dup.body())).isEqualTo(json("{\"error_msg\":\"[CDC:ErrChangeFeedAlreadyExists]changefeed already exists, cf-kafka-1\","
        + "\"error_code\":\"CDC:ErrChangeFeedAlreadyExists\"}"));
    Http.Response missing = api.get("/api/v2/changefeeds/nope");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).isEqualTo("""
        {
            "error_msg": "[CDC:ErrChangeFeedNotExists]changefeed not exists, default/nope",
            "error_code": "CDC:ErrChangeFeedNotExists"
        }""");
    Http.Response badId = api.get("/api/v2/changefeeds/bad_id");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(json(badId.body()).get("error_msg").asText()).isEqualTo("[CDC:ErrAPIInvalidParam]invalid changefeed_id: bad_id");
    Http.Response empty = api.post("/api/v2/changefeeds", "");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(json(empty.body()).get("error_msg").asText()).isEqualTo("[CDC:ErrAPIInvalidParam]invalid api parameter: EOF");
    Http.Response noSink = api.post("/api/v2/changefeeds", "{\"changefeed_id\":\"x1\"}");
    assertThat(json(noSink.body()).get("error_msg").asText()).isEqualTo(
        "[CDC:ErrSinkURIInvalid]sink uri invalid 'sink_uri is empty, cannot create a changefeed without sink_uri'");
    Http.Response badRule = api.post("/api/v2/changefeeds",
        "{\"changefeed_id\":\"x2\",\"sink_uri\":\"blackhole://\",\"replica_config\":{\"filter\":{\"rules\":[\"test-a.*\"]}}}");
    assertThat(badRule.status()).isEqualTo(400);
    assertThat(json(badRule.body()).get("error_code").asText()).isEqualTo("CDC:ErrFilterRuleInvalid");
    Http.Response future = api.post("/api/v2/changefeeds",
        "{\"changefeed_id\":\"x3\",\"sink_uri\":\"blackhole://\",\"start_ts\":%d}".formatted(Long.MAX_VALUE >> 1));
    assertThat(future.status()).isEqualTo(400);
    assertThat(json(future.body()).get("error_msg").asText()).startsWith("[CDC:ErrAPIInvalidParam]invalid start-ts");
    Http.Response target = api.post("/api/v2/changefeeds",
        "{\"changefeed_id\":\"x4\",\"sink_uri\":\"blackhole://\",\"start_ts\":%d,\"target_ts\":%d}".formatted(startTs, startTs));
    assertThat(json(target.body()).get("error_code").asText()).isEqualTo("CDC:ErrTargetTsBeforeStartTs");
    data.gcSafePoint = startTs;
    Http.Response beforeGc = api.post("/api/v2/changefeeds",
        "{\"changefeed_id\":\"x5\",\"sink_uri\":\"blackhole://\",\"start_ts\":%d}".formatted(startTs));
    assertThat(beforeGc.status()).isEqualTo(400);
    assertThat(json(beforeGc.body()).get("error_code").asText()).isEqualTo("CDC:ErrStartTsBeforeGC");
    data.gcSafePoint = 1;

    // pause
    Http.Response paused = api.post("/api/v2/changefeeds/cf-kafka-1/pause", null);
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.body()).isEqualTo("{}");
    await().atMost(Duration.ofSeconds(5)).until(() -> !data.running.contains(id));
    JsonNode stopped = json(api.get("/api/v2/changefeeds/cf-kafka-1").body());
    assertThat(stopped.get("state").asText()).isEqualTo("stopped");
    assertThat(stopped.get("admin_job_type").asInt()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        json(etcdValue(keys.changefeedStatus(id))).get("admin-job-type").asInt() == 1);
    assertThat(json(api.get("/api/v2/changefeeds?state=stopped").body()).get("total").asInt()).isEqualTo(1);
    assertThat(json(api.get("/api/v2/changefeeds?state=normal").body()).get("total").asInt()).isZero();

    // resume needs a body
    assertThat(api.post("/api/v2/changefeeds/cf-kafka-1/resume", "").status()).isEqualTo(400);
    Http.Response resumed = api.post("/api/v2/changefeeds/cf-kafka-1/resume", "{}");
    assertThat(resumed.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> data.running.contains(id));
    assertThat(json(api.get("/api/v2/changefeeds/cf-kafka-1/status").body()).get("state").asText())
        .isEqualTo("normal");

    // delete
    Http.Response deleted = api.delete("/api/v2/changefeeds/cf-kafka-1");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body()).isEqualTo("{}");
    assertThat(etcdValue(keys.changefeedInfo(id))).isNull();
    assertThat(etcdValue(keys.changefeedStatus(id))).isNull();
    assertThat(data.removed).contains(id);
    assertThat(api.get("/api/v2/changefeeds/cf-kafka-1").status()).isEqualTo(400);
    assertThat(api.delete("/api/v2/changefeeds/cf-kafka-1").status()).isEqualTo(200);
    assertThat(json(api.get("/api/v2/changefeeds").body())).isEqualTo(json("{\"total\":0,\"items\":[]}"));
    assertThat(owner.isOwner()).isTrue();
  }

  @Test
  void checkpointFromTheRuntimeAdvancesErrorsSurfaceAndTargetTsFinishes() throws Exception {
    Capture owner = startCapture();
    await().atMost(Duration.ofSeconds(15)).until(owner::isOwner);
    Http api = Http.loopback(owner.apiPort());
    long startTs = data.currentTso() - Tso.compose(60_000, 0);
    long targetTs = startTs + Tso.compose(30_000, 0);
    assertThat(api.post("/api/v2/changefeeds", ("{\"changefeed_id\":\"cf-1\",\"sink_uri\":\"blackhole://\","
        + "\"start_ts\":%d,\"target_ts\":%d}").formatted(startTs, targetTs)).status()).isEqualTo(200);
    ChangefeedId id = new ChangefeedId("default", "cf-1");
    await().atMost(Duration.ofSeconds(5)).until(() -> data.running.contains(id));

    long cp = startTs + Tso.compose(1_000, 0);
    data.report("cf-1", cp + 5, cp, Map.of(owner.captureId(), List.of(101L, 102L)), null);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        json(api.get("/api/v2/changefeeds/cf-1").body()).get("checkpoint_ts").asLong() == cp);
    JsonNode got = json(api.get("/api/v2/changefeeds/cf-1").body());
    assertThat(got.get("resolved_ts").asLong()).isEqualTo(cp + 5);
    assertThat(got.get("checkpoint_time").asText()).isEqualTo(JsonTime.ofTso(cp));
    assertThat(got.get("target_ts").asLong()).isEqualTo(targetTs);
    assertThat(got.get("task_status")).isEqualTo(json(
        "[{\"capture_id\":\"%s\",\"table_ids\":[101,102]}]".formatted(owner.captureId())));
    await().atMost(Duration.ofSeconds(5)).until(() -> data.emitted.getOrDefault(id, 0L) == cp);
    assertThat(json(api.get("/api/v2/processors").body())).isEqualTo(json(
        "{\"total\":1,\"items\":[{\"namespace\":\"default\",\"changefeed_id\":\"cf-1\",\"capture_id\":\"%s\"}]}"
            .formatted(owner.captureId())));
    assertThat(json(api.get("/api/v2/processors/cf-1/" + owner.captureId()).body()))
        .isEqualTo(json("{\"table_ids\":[101,102]}"));
    assertThat(data.serviceSafePoints).isNotEmpty();

    // a checkpoint never goes back
    data.report("cf-1", cp, cp - 10, Map.of(), null);
    Thread.sleep(500);
    assertThat(json(api.get("/api/v2/changefeeds/cf-1").body()).get("checkpoint_ts").asLong()).isEqualTo(cp);

    // a retryable error: pending, listed as warning with the error
    RunningError down = new RunningError(OffsetDateTime.now(), owner.advertiseAddr(), "CDC:ErrKafkaNewProducer", "broker down");
    data.report("cf-1", cp, cp, Map.of(), down);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        json(api.get("/api/v2/changefeeds/cf-1").body()).get("state").asText().equals("pending"));
    JsonNode item = json(api.get("/api/v2/changefeeds").body()).get("items").get(0);
    assertThat(item.get("state").asText()).isEqualTo("warning");
    assertThat(item.get("error").get("code").asText()).isEqualTo("CDC:ErrKafkaNewProducer");
    assertThat(item.get("error").get("message").asText()).isEqualTo("broker down");
    JsonNode detail = json(api.get("/api/v2/changefeeds/cf-1").body());
    assertThat(detail.get("error").has("time")).isFalse();
    assertThat(detail.get("admin_job_type").asInt()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> !data.running.contains(id));

    // resume (from pending: not applicable) is ignored; pause then resume clears the error
    assertThat(api.post("/api/v2/changefeeds/cf-1/pause", null).status()).isEqualTo(200);
    data.report("cf-1", targetTs, targetTs, Map.of(), null);
    assertThat(api.post("/api/v2/changefeeds/cf-1/resume", "{}").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        json(api.get("/api/v2/changefeeds/cf-1").body()).get("state").asText().equals("finished"));
    JsonNode finished = json(api.get("/api/v2/changefeeds/cf-1").body());
    assertThat(finished.get("checkpoint_ts").asLong()).isEqualTo(targetTs);
    assertThat(finished.get("admin_job_type").asInt()).isEqualTo(4);
    assertThat(json(api.get("/api/v2/changefeeds").body()).get("total").asInt()).isZero();
    assertThat(json(api.get("/api/v2/changefeeds?state=all").body()).get("total").asInt()).isEqualTo(1);
  }

  /**
   * A capture that lost its etcd session registers again under a new id; an error its old id left in
   * {@code task/position} must not hold the changefeed in error for ever. As TiCDC's owner drops the task
   * positions of a removed capture (pkg/orchestrator GlobalReactorState), the owner deletes the key and the
   * changefeed stays normal.
   */
  @Test
  void anErrorLeftUnderTheIdOfAGoneCaptureIsDroppedNotApplied() throws Exception {
    Capture owner = startCapture();
    await().atMost(Duration.ofSeconds(15)).until(owner::isOwner);
    Http api = Http.loopback(owner.apiPort());
    long startTs = data.currentTso() - Tso.compose(60_000, 0);
    assertThat(api.post("/api/v2/changefeeds", ("{\"changefeed_id\":\"cf-gone\",\"sink_uri\":\"blackhole://\","
        + "\"start_ts\":%d}").formatted(startTs)).status()).isEqualTo(200);
    ChangefeedId id = new ChangefeedId("default", "cf-gone");
    await().atMost(Duration.ofSeconds(5)).until(() -> data.running.contains(id));

    String key = "/tidb/cdc/" + cluster + "/default/task/position/a-capture-that-is-gone/cf-gone";
    client.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(
        "{\"checkpoint-ts\":0,\"resolved-ts\":0,\"count\":0,\"error\":{\"time\":\"2026-12-03T09:30:41Z\","
            + "\"addr\":\"127.0.0.1:1\",\"code\":\"CDC:ErrProcessorUnknown\",\"message\":\"fenced\"}}",
        StandardCharsets.UTF_8)).get();
    await().atMost(Duration.ofSeconds(10)).until(() -> etcdValue(key) == null);
    Thread.sleep(1_000);
    assertThat(json(api.get("/api/v2/changefeeds/cf-gone").body()).get("state").asText()).isEqualTo("normal");
    assertThat(data.running).contains(id);
  }

  /**
   * The Streams app instances a capture runs are recorded under its id, not under its lease (the owner needs them
   * after the capture is gone, to fence their transactions), and recorded again under the new id when the capture
   * registers again after losing its session; a stopped instance's record goes, and so do all of a capture's
   * records when it stops.
   */
  @Test
  void streamsProcessesAreRecordedUnderTheCurrentCaptureId() throws Exception {
    Capture c = startCapture();
    EtcdKeys keys = new EtcdKeys(cluster);
    c.registerStreamsProcess("2397f5c1-0a43-4da8-9130-bd953aac5b94");
    c.registerStreamsProcess("17a1d83d-a13c-4f55-b51d-9c016e6235da");
    String first = c.captureId();
    assertThat(etcdValue(keys.streamsProcess("2397f5c1-0a43-4da8-9130-bd953aac5b94"))).isEqualTo(first);

    long lease = client.getKVClient().get(ByteSequence.from(keys.capture(first), StandardCharsets.UTF_8)).get()
        .getKvs().get(0).getLease();
    client.getLeaseClient().revoke(lease).get(); // the session is lost; the capture registers again
    await().atMost(Duration.ofSeconds(15)).until(() -> !c.captureId().equals(first)
        && c.captureId().equals(etcdValue(keys.streamsProcess("17a1d83d-a13c-4f55-b51d-9c016e6235da"))));
    assertThat(etcdValue(keys.streamsProcess("2397f5c1-0a43-4da8-9130-bd953aac5b94"))).isEqualTo(c.captureId());
    assertThat(c.streamsProcesses()).containsOnlyKeys("2397f5c1-0a43-4da8-9130-bd953aac5b94",
        "17a1d83d-a13c-4f55-b51d-9c016e6235da");

    c.unregisterStreamsProcess("2397f5c1-0a43-4da8-9130-bd953aac5b94");
    assertThat(etcdValue(keys.streamsProcess("2397f5c1-0a43-4da8-9130-bd953aac5b94"))).isNull();
    var kept = c.streamsProcesses().get("17a1d83d-a13c-4f55-b51d-9c016e6235da");
    assertThat(c.forgetStreamsProcess("17a1d83d-a13c-4f55-b51d-9c016e6235da", kept.modRevision() - 1)).isFalse();
    assertThat(c.forgetStreamsProcess("17a1d83d-a13c-4f55-b51d-9c016e6235da", kept.modRevision())).isTrue();
    assertThat(c.streamsProcesses()).isEmpty();

    // a capture that stops on purpose takes its records away before its session ends: nothing to fence
    c.registerStreamsProcess("f744c315-e9a5-41ca-bdbb-f63b720c6022");
    assertThat(etcdValue(keys.streamsProcess("f744c315-e9a5-41ca-bdbb-f63b720c6022"))).isEqualTo(c.captureId());
    c.close();
    assertThat(etcdValue(keys.streamsProcess("f744c315-e9a5-41ca-bdbb-f63b720c6022"))).isNull();
  }

  @Test
  void tsoAndMetrics() throws Exception {
    Capture c = startCapture();
    Http.Response tso = Http.loopback(c.apiPort()).post("/api/v2/tso", "{}");
    assertThat(tso.status()).isEqualTo(200);
    JsonNode t = json(tso.body());
    assertThat(t.get("timestamp").asLong()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(5000L));
    assertThat(tso.body()).startsWith("{\n    \"timestamp\": ");
    assertThat(Http.loopback(c.apiPort()).post("/api/v2/tso", "").status()).isEqualTo(400);
    Http.Response unknown = Http.loopback(c.apiPort()).post("/api/v2/tso", "{\"id\":42}");
    assertThat(unknown.status()).isEqualTo(500);
    assertThat(json(unknown.body()).get("error_code").asText()).isEqualTo("CDC:ErrUpstreamNotFound");
    await().atMost(Duration.ofSeconds(15)).until(c::isOwner);
    Http.Response metrics = Http.loopback(c.apiPort()).get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("ticdc_owner_is_owner 1.0");
    assertThat(metrics.body()).contains("ticdc_api_requests_total{method=\"POST\",status=\"200\"}");
    assertThat(Http.loopback(c.apiPort()).get("/api/v2/nothing").status()).isEqualTo(404);
  }

  @Test
  void leaseExpiryRemovesADeadCapture() throws Exception {
    Capture alive = startCapture();
    await().atMost(Duration.ofSeconds(15)).until(alive::isOwner);
    EtcdKeys keys = new EtcdKeys(cluster);
    Client doomed = Client.builder().endpoints(ETCD.get().clientUrl()).build();
    CaptureSession dead = new CaptureSession(doomed, keys,
        new CaptureInfo("dead-capture", "127.0.0.1:1", "v8.5.0", "", "", 0), 2);
    dead.start(() -> {});
    assertThat(json(Http.loopback(alive.apiPort()).get("/api/v2/captures").body()).get("total").asInt()).isEqualTo(2);
    doomed.close(); // crash: keep-alive stops, the lease is not revoked
    await().atMost(Duration.ofSeconds(15)).until(() ->
        json(Http.loopback(alive.apiPort()).get("/api/v2/captures").body()).get("total").asInt() == 1);
    assertThat(client.getKVClient().get(ByteSequence.from(keys.capture("dead-capture"), StandardCharsets.UTF_8),
        GetOption.DEFAULT).get().getKvs()).isEmpty();
    assertThat(CaptureSession.ownerId(client, keys)).isEqualTo(Optional.of(alive.captureId()));
  }

  @Test
  void closingTheOwnerHandsOverAndDeregisters() throws Exception {
    startCapture();
    startCapture();
    Capture owner = awaitOwner();
    Capture other = nonOwner();
    owner.close();
    await().atMost(Duration.ofSeconds(10)).until(other::isOwner);
    JsonNode list = json(Http.loopback(other.apiPort()).get("/api/v2/captures").body());
    assertThat(list.get("total").asInt()).isEqualTo(1);
    assertThat(list.get("items").get(0).get("id").asText()).isEqualTo(other.captureId());
  }
}
