package io.kcdc.connector.tikv;

import com.google.protobuf.ByteString;
import io.kcdc.kvproto.Errorpb;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.kvproto.TikvGrpc;
import io.kcdc.tidb.Codec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Snapshot reads of raw TiDB keys at a timestamp over the {@code Tikv} service ({@code KvGet},
 * {@code KvScan}), routed by region through the {@link RegionCache}. Region errors invalidate the
 * cache and retry; a key locked by an unfinished transaction is retried until the lock goes away.
 */
public final class KvClient {
  private static final int SCAN_BATCH = 1024;

  private final RegionCache regions;
  private final RegionRequests requests;
  private final Backoff backoff;

  public KvClient(RegionCache regions, ChannelPool channels, Backoff backoff) {
    this.regions = regions;
    this.requests = new RegionRequests(regions, channels);
    this.backoff = backoff;
  }

  /** A raw key and its value. */
  public record Pair(byte[] key, byte[] value) {}

  /** The value of {@code rawKey} at {@code ts}, empty when absent. */
  public Optional<byte[]> get(byte[] rawKey, long ts) {
    return backoff.retry("KvGet", () -> {
      RegionInfo region = regions.locate(Codec.encodeBytes(rawKey));
      Kvrpcpb.GetResponse r = rpc(region, s -> s.kvGet(Kvrpcpb.GetRequest.newBuilder()
          .setContext(context(region)).setKey(ByteString.copyFrom(rawKey)).setVersion(ts).build()));
      check(region, r.hasRegionError() ? r.getRegionError() : null, r.hasError() ? r.getError() : null);
      return r.getNotFound() ? Optional.<byte[]>empty() : Optional.of(r.getValue().toByteArray());
    });
  }

  /** Every pair in raw {@code [start, end)} at {@code ts}, in key order; an empty end = +inf. */
  public List<Pair> scan(byte[] start, byte[] end, long ts) {
    List<Pair> out = new ArrayList<>();
    byte[] from = start;
    while (true) {
      byte[] cursor = from;
      ScanPage page = backoff.retry("KvScan", () -> scanPage(cursor, end, ts));
      out.addAll(page.pairs);
      if (page.next == null) {
        return out;
      }
      from = page.next;
    }
  }

  private record ScanPage(List<Pair> pairs, byte[] next) {}

  private ScanPage scanPage(byte[] from, byte[] end, long ts) {
    RegionInfo region = regions.locate(Codec.encodeBytes(from));
    byte[] regionEnd = region.span().end().length == 0 ? new byte[0] : Codec.decodeBytes(region.span().end(), 0).value();
    boolean regionEndsFirst = regionEnd.length != 0 && (end.length == 0 || Arrays.compareUnsigned(regionEnd, end) < 0);
    byte[] stop = regionEndsFirst ? regionEnd : end;
    Kvrpcpb.ScanResponse r = rpc(region, s -> s.kvScan(Kvrpcpb.ScanRequest.newBuilder()
        .setContext(context(region)).setStartKey(ByteString.copyFrom(from)).setEndKey(ByteString.copyFrom(stop))
        .setLimit(SCAN_BATCH).setVersion(ts).build()));
    check(region, r.hasRegionError() ? r.getRegionError() : null, r.hasError() ? r.getError() : null);
    List<Pair> pairs = new ArrayList<>(r.getPairsCount());
    for (Kvrpcpb.KvPair p : r.getPairsList()) {
      if (p.hasError()) {
        check(region, null, p.getError());
      }
      pairs.add(new Pair(p.getKey().toByteArray(), p.getValue().toByteArray()));
    }
    if (pairs.size() >= SCAN_BATCH) {
      byte[] last = pairs.get(pairs.size() - 1).key();
      return new ScanPage(pairs, Arrays.copyOf(last, last.length + 1));
    }
    return new ScanPage(pairs, regionEndsFirst ? regionEnd : null);
  }

  private Kvrpcpb.Context context(RegionInfo region) {
    return requests.context(region);
  }

  private void check(RegionInfo region, Errorpb.Error regionError, Kvrpcpb.KeyError keyError) {
    if (regionError != null) {
      requests.throwRegionError(region, regionError);
    }
    if (keyError != null) {
      if (keyError.hasLocked()) {
        throw new TikvException("key is locked by txn " + keyError.getLocked().getLockVersion());
      }
      throw new TikvException.Fatal("key error: " + keyError);
    }
  }

  private <T> T rpc(RegionInfo region, java.util.function.Function<TikvGrpc.TikvBlockingStub, T> call) {
    return requests.call(region, call);
  }
}
