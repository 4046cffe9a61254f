package io.kcdc.upstream.tikv;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.kcdc.kvproto.ChangeDataGrpc;
import java.util.HashSet;
import java.util.Set;

/**
 * TiKV's EventFeedV2 feature check (service.rs, EventFeedHeaders): a client lists the features it
 * wants in the {@code features} header, comma separated; a stream asking for one the store does
 * not know fails with UNIMPLEMENTED. The features asked for are handed to the call in its gRPC
 * context ({@link #requested()}). Only EventFeedV2 reads the header; EventFeed ignores it.
 */
public final class FeatureGate implements ServerInterceptor {
  public static final Metadata.Key<String> FEATURES = Metadata.Key.of("features", Metadata.ASCII_STRING_MARSHALLER);
  public static final String STREAM_MULTIPLEXING = "stream-multiplexing";
  public static final Set<String> SUPPORTED = Set.of(STREAM_MULTIPLEXING);
  private static final Context.Key<Set<String>> REQUESTED = Context.key("event-feed-features");

  /** The features the current EventFeedV2 call asked for (empty elsewhere). */
  static Set<String> requested() {
    Set<String> s = REQUESTED.get();
    return s == null ? Set.of() : s;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (!method.equals(ChangeDataGrpc.getEventFeedV2Method().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    Set<String> features = new HashSet<>();
    Iterable<String> values = headers.getAll(FEATURES);
    if (values != null) {
      for (String value : values) {
        for (String feature : value.split(",")) {
          String f = feature.trim();
          if (f.isEmpty()) {
            continue;
          }
          if (!SUPPORTED.contains(f)) {
            call.close(Status.UNIMPLEMENTED.withDescription("unsupported feature " + f), new Metadata());
            return new ServerCall.Listener<>() {};
          }
          features.add(f);
        }
      }
    }
    return Contexts.interceptCall(Context.current().withValue(REQUESTED, Set.copyOf(features)), call, headers, next);
  }
}
