package io.kcdc.upstream.tikv;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.kcdc.kvproto.ChangeDataGrpc;
import java.util.Set;

/**
 * TiKV's EventFeedV2 feature check: a client lists the features it needs in the {@code features}
 * header (comma separated); a stream asking for one the store lacks fails with UNIMPLEMENTED.
 * Only {@code stream-multiplexing} is supported, which is what TiCDC asks for.
 */
public final class FeatureGate implements ServerInterceptor {
  public static final Metadata.Key<String> FEATURES = Metadata.Key.of("features", Metadata.ASCII_STRING_MARSHALLER);
  public static final Set<String> SUPPORTED = Set.of("stream-multiplexing");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getFullMethodName().equals(ChangeDataGrpc.getEventFeedV2Method().getFullMethodName())) {
      Iterable<String> values = headers.getAll(FEATURES);
      if (values != null) {
        for (String value : values) {
          for (String feature : value.split(",")) {
            String f = feature.trim();
            if (!f.isEmpty() && !SUPPORTED.contains(f)) {
              call.close(Status.UNIMPLEMENTED.withDescription("unsupported feature " + f), new Metadata());
              return new ServerCall.Listener<>() {};
            }
          }
        }
      }
    }
    return next.startCall(call, headers);
  }
}
