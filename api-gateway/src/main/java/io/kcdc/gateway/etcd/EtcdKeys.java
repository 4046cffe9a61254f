package io.kcdc.gateway.etcd;

import io.kcdc.gateway.model.ChangefeedId;
import java.util.Optional;

/**
 * TiCDC's etcd key layout (meta version 1) under {@code /tidb/cdc/<cluster>/}: the one place that
 * builds and parses keys.
 */
public final class EtcdKeys {
  /** Value of the meta-version key. */
  public static final String META_VERSION = "1";

  private static final String META = "__cdc_meta__";
  private static final String INFO = "/changefeed/info/";
  private static final String STATUS = "/changefeed/status/";

  private final String clusterId;
  private final String root;

  public EtcdKeys(String clusterId) {
    this.clusterId = clusterId;
    this.root = "/tidb/cdc/" + clusterId;
  }

  public String clusterId() {
    return clusterId;
  }

  /** {@code /tidb/cdc/<cluster>/}: everything of this cluster. */
  public String clusterPrefix() {
    return root + "/";
  }

  /** The election name; campaign keys are {@code <this>/<leaseID hex>}. */
  public String ownerElection() {
    return root + "/" + META + "/owner";
  }

  public String capturePrefix() {
    return root + "/" + META + "/capture/";
  }

  public String capture(String captureId) {
    return capturePrefix() + captureId;
  }

  /**
   * Ours, not TiCDC's: a capture being drained ({@code POST /captures/{id}/drain}); the capture stops taking
   * work when it sees it (docs/api-v2.md#drain-a-capture).
   */
  public String drain(String captureId) {
    return root + "/" + META + "/drain/" + captureId;
  }

  /**
   * Ours: which capture an embedded Connect worker ({@code host:port} of its REST server) belongs to, kept under
   * the capture's session lease, so that any owner names the capture of a connector task.
   */
  public String connectWorker(String workerId) {
    return root + "/" + META + "/connect-worker/" + workerId;
  }

  /**
   * Ours: which capture runs the Streams app instance with this process id (the UUID in its producers' transactional
   * ids), so that the owner can fence the transactions of a capture that died (docs/crash-recovery.md). Not under a
   * lease: it must outlive the capture.
   */
  public String streamsProcess(String processId) {
    return streamsProcessPrefix() + processId;
  }

  public String streamsProcessPrefix() {
    return root + "/" + META + "/streams-process/";
  }

  public String metaVersion() {
    return root + "/" + META + "/meta/meta-version";
  }

  public String upstream(String namespace, long upstreamId) {
    return root + "/" + namespace + "/upstream/" + upstreamId;
  }

  public String changefeedInfo(ChangefeedId id) {
    return root + "/" + id.namespace() + INFO + id.id();
  }

  public String changefeedStatus(ChangefeedId id) {
    return root + "/" + id.namespace() + STATUS + id.id();
  }

  /** {@code task/position/} prefix of a namespace; keys are {@code <prefix><captureID>/<changefeed>}. */
  public String taskPositionPrefix(String namespace) {
    return root + "/" + namespace + "/task/position/";
  }

  public String taskPosition(String namespace, String captureId, String changefeed) {
    return taskPositionPrefix(namespace) + captureId + "/" + changefeed;
  }

  /** The changefeed of an info key, if {@code key} is one. */
  public Optional<ChangefeedId> parseInfo(String key) {
    return parse(key, INFO);
  }

  /** The changefeed of a status key, if {@code key} is one. */
  public Optional<ChangefeedId> parseStatus(String key) {
    return parse(key, STATUS);
  }

  private Optional<ChangefeedId> parse(String key, String kind) {
    if (!key.startsWith(clusterPrefix())) {
      return Optional.empty();
    }
    String rest = key.substring(clusterPrefix().length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || rest.startsWith(META + "/")) {
      return Optional.empty();
    }
    String namespace = rest.substring(0, slash);
    String tail = rest.substring(slash);
    if (!tail.startsWith(kind)) {
      return Optional.empty();
    }
    String id = tail.substring(kind.length());
    return id.isEmpty() || id.contains("/")
        ? Optional.empty()
        : Optional.of(new ChangefeedId(namespace, id));
  }
}
