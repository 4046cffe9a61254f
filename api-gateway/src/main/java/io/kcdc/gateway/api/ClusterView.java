package io.kcdc.gateway.api;

import io.kcdc.gateway.model.CaptureInfo;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.owner.ChangefeedProgress;
import java.util.List;
import java.util.Optional;

/** What the API needs to know of its capture and the cluster; implemented by the capture. */
public interface ClusterView {
  String captureId();

  String advertiseAddr();

  String clusterId();

  String version();

  String gitHash();

  /** 0 alive, 1 stopping. */
  int liveness();

  /** False until the capture is registered in etcd (503 until then). */
  boolean isReady();

  /** True while this capture's owner is running. */
  boolean isOwner();

  /** The elected owner's capture id as etcd says; empty if there is no leader. */
  Optional<String> ownerId();

  List<CaptureInfo> captures();

  /** Makes the owner give up the election (returns at once). */
  void resignOwner();

  /** True if this capture is the owner and has reconciled every changefeed once. */
  boolean ownerHealthy();

  /** The owner's latest progress of a changefeed (only on the owner). */
  Optional<ChangefeedProgress> progress(ChangefeedId id);

  /** Asks the owner to reconcile now. */
  void wakeOwner();

  /** The PD service GC safepoint id of this cluster, {@code ticdc-<cluster>-<etcd cluster id>}. */
  default String gcServiceId() {
    return "ticdc-" + clusterId();
  }

  /** Every key and value under the cluster's etcd prefix, in key order ({@code /unsafe/metadata}). */
  default java.util.Map<String, String> metadata() {
    return java.util.Map.of();
  }
}
