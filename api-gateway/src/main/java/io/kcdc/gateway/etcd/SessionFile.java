package io.kcdc.gateway.etcd;

import io.etcd.jetcd.Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd lease of a capture's current incarnation, kept in its data directory. A capture killed
 * with SIGKILL leaves its capture key and, if it was the owner, its election key behind until the
 * lease expires (10 s); the next incarnation on the same data directory revokes that lease first, so
 * another capture becomes the owner at once. Only safe because the data directory is locked by one
 * live process at a time: the lease in the file belongs to a process that is gone.
 */
public final class SessionFile {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFile.class);

  private SessionFile() {}

  /** The lease id written last, if any. */
  static Optional<Long> read(Path file) {
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text, 16));
    } catch (IOException | NumberFormatException e) {
      LOG.warn("ignoring unreadable session file {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Records the current incarnation's lease (written to a temporary file and moved into place). */
  public static void write(Path file, long leaseId) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toHexString(leaseId), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot record the etcd lease in {}: a restart will wait for it to expire", file, e);
    }
  }

  /**
   * Revokes the lease of the previous incarnation with a client of its own, first thing when a capture
   * starts (before its slower parts), so that a killed owner is replaced as soon as its process is
   * started again.
   */
  public static void revokePrevious(java.util.List<String> etcdEndpoints, Path file) {
    revokePrevious(etcdEndpoints, io.kcdc.common.security.Credential.NONE, file);
  }

  /** {@link #revokePrevious(java.util.List, Path)} over TLS with {@code security}. */
  public static void revokePrevious(java.util.List<String> etcdEndpoints, io.kcdc.common.security.Credential security,
      Path file) {
    if (read(file).isEmpty()) {
      return;
    }
    try (Client client = EtcdClients.connect(etcdEndpoints, security)) {
      revokePrevious(client, file);
    }
  }

  /**
   * Revokes the lease of the previous incarnation, which deletes its capture key and its owner
   * campaign key. A lease that expired already is fine.
   */
  static void revokePrevious(Client client, Path file) {
    Optional<Long> lease = read(file);
    if (lease.isEmpty()) {
      return;
    }
    try {
      client.getLeaseClient().revoke(lease.get()).get(Etcd.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("revoked etcd lease {} of this capture's previous incarnation", Long.toHexString(lease.get()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // usually "requested lease not found": it expired or was revoked on a clean stop
      LOG.info("previous etcd lease {} not revoked: {}", Long.toHexString(lease.get()), e.getMessage());
    }
  }
}
