package io.kcdc.gateway.etcd;

import io.etcd.jetcd.ByteSequence;
import io.kcdc.common.errors.CdcError;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers around jetcd futures and byte sequences. */
final class Etcd {
  static final long TIMEOUT_SECONDS = 10;

  private Etcd() {}

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static ByteSequence bytes(byte[] b) {
    return ByteSequence.from(b);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Waits for an etcd call; failures become {@code CDC:ErrPDEtcdAPIError}. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CdcError.PD_ETCD_API_ERROR.wrap(e);
    } catch (ExecutionException e) {
      throw CdcError.PD_ETCD_API_ERROR.wrap(e.getCause());
    } catch (TimeoutException e) {
      throw CdcError.PD_ETCD_API_ERROR.wrap(e);
    }
  }
}
