package io.kcdc.streams.codec;

import io.kcdc.common.errors.CdcError;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.UUID;

/**
 * The claim-check store of large messages (TiCDC's {@code claimcheck.ClaimCheck}) on a {@code file://} storage URI:
 * each message becomes {@code <uuid>.json} holding {@code {"key":base64,"value":base64}} (Go's JSON of a
 * {@code ClaimCheckMessage}; a nil key is {@code null}), or the raw value bytes in raw-value mode. The location
 * put in the Kafka message is {@code <storage-uri>/<file>}.
 */
public final class ClaimCheckStorage {
  private final String uri;
  private final Path dir;
  private final boolean rawValue;

  private ClaimCheckStorage(String uri, Path dir, boolean rawValue) {
    this.uri = uri;
    this.dir = dir;
    this.rawValue = rawValue;
  }

  /** The store of {@code handle}'s storage URI; fails with {@code CDC:ErrInvalidReplicaConfig} for other schemes. */
  public static ClaimCheckStorage of(LargeMessageHandle handle) {
    String uri = handle.claimCheckStorageUri();
    URI u;
    try {
      u = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new EncodeException(CdcError.INVALID_REPLICA_CONFIG, "invalid claim-check-storage-uri " + uri);
    }
    if (!"file".equalsIgnoreCase(u.getScheme()) || u.getPath() == null || u.getPath().isEmpty()) {
      throw new EncodeException(CdcError.INVALID_REPLICA_CONFIG,
          "claim-check-storage-uri " + uri + " is not supported, only file:// storage is");
    }
    String trimmed = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    return new ClaimCheckStorage(trimmed, Path.of(u.getPath()), handle.claimCheckRawValue());
  }

  /** Stores one message and returns its location. */
  public String write(byte[] key, byte[] value) {
    String name = UUID.randomUUID() + ".json";
    byte[] content = rawValue ? value : json(key, value);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new EncodeException(CdcError.EXTERNAL_STORAGE_API, "cannot write claim-check file " + dir.resolve(name) + ": " + e);
    }
    return uri + "/" + name;
  }

  private static byte[] json(byte[] key, byte[] value) {
    Base64.Encoder b64 = Base64.getEncoder();
    String k = key == null ? "null" : "\"" + b64.encodeToString(key) + "\"";
    String v = value == null ? "null" : "\"" + b64.encodeToString(value) + "\"";
    return ("{\"key\":" + k + ",\"value\":" + v + "}").getBytes(StandardCharsets.UTF_8);
  }
}
