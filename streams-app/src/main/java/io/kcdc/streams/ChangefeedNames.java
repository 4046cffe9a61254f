package io.kcdc.streams;

/**
 * Every Kafka-side name of one changefeed, in one place, so that the connector, the Streams app and the owner
 * agree and two changefeeds with the same id in two namespaces share nothing. Changefeed ids, namespaces and
 * cluster ids are {@code [a-zA-Z0-9]+(-[a-zA-Z0-9]+)*}, so a dot separates them unambiguously.
 *
 * @param clusterId the TiCDC cluster id
 */
public record ChangefeedNames(String clusterId, String namespace, String changefeedId) {
  /** TiCDC's default namespace. */
  public static final String DEFAULT_NAMESPACE = "default";

  /** {@code <id>} in the default namespace, else {@code <namespace>.<id>}: what the internal topics are named after. */
  public String qualified() {
    return DEFAULT_NAMESPACE.equals(namespace) ? changefeedId : namespace + "." + changefeedId;
  }

  /** The connector's output: mounted row changes and resolved marks, one table per partition. */
  public String rowsTopic() {
    return "_cdc." + qualified() + ".rows";
  }

  /** The Streams app's output: per-table checkpoints, committed with the sink records (compacted). */
  public String progressTopic() {
    return "_cdc." + qualified() + ".progress";
  }

  /** The source connector in the captures' Connect cluster. */
  public String connectorName() {
    return "cdc-" + qualified();
  }

  /**
   * The namespace and changefeed id of a {@link #connectorName()} (cluster id unknown, empty); empty if the name is
   * not one. Namespaces and changefeed ids have no dots (TiCDC's id pattern), so the split is unambiguous.
   */
  public static java.util.Optional<ChangefeedNames> ofConnectorName(String name) {
    if (name == null || !name.startsWith("cdc-") || name.length() == 4) {
      return java.util.Optional.empty();
    }
    String qualified = name.substring(4);
    int dot = qualified.indexOf('.');
    return java.util.Optional.of(dot < 0
        ? new ChangefeedNames("", DEFAULT_NAMESPACE, qualified)
        : new ChangefeedNames("", qualified.substring(0, dot), qualified.substring(dot + 1)));
  }

  /**
   * Prefix of every incarnation's Streams {@code application.id} (and so of its internal topics):
   * {@code cdc-<cluster>.<namespace>.<id>.}; the trailing dot keeps {@code cf1} from matching {@code cf1-x}.
   */
  public String applicationIdPrefix() {
    return "cdc-" + clusterId + "." + namespace + "." + changefeedId + ".";
  }

  /**
   * The Streams {@code application.id} of the changefeed created at {@code createdMillis} and started from
   * {@code startTs}: a changefeed removed and created again under the same id, or resumed from another checkpoint
   * ({@code overwrite_checkpoint_ts}), does not inherit the sorter state and offsets of the one before.
   */
  public String applicationId(long createdMillis, long startTs) {
    return applicationIdPrefix() + createdMillis + "-" + Long.toUnsignedString(startTs);
  }

  /** The owner's transactional id: the next owner's producer with it fences the previous one. */
  public String ownerTransactionalId() {
    return "cdc-" + clusterId + "." + namespace + "." + changefeedId + ".owner";
  }

  /** The directory, under a capture's state root, of the changefeed's Streams state. */
  public String stateDirName() {
    return namespace + "." + changefeedId;
  }
}
