package io.kcdc.gateway.api;

import io.kcdc.common.errors.CdcError;
import io.kcdc.gateway.model.CaptureInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TiCDC's {@code ForwardToOwnerMiddleware}: proxies a request (method, URI, headers, body) to the
 * owner's advertise address and copies status, headers and body back. A request may be forwarded
 * once; one that arrives forwarded at a non-owner fails with {@code ErrRequestForwardErr}.
 */
public final class OwnerForwarder {
  static final String FROM_CAPTURE = "TiCDC-ForwardFromCapture";
  static final String FORWARD_TIMES = "TiCDC-ForwardTimes";
  private static final Set<String> HOP_HEADERS = Set.of(
      "connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive",
      "te", "trailer", "proxy-authorization", "proxy-authenticate", "http2-settings");

  private final ClusterView view;
  private final HttpClient http;
  private final String scheme;

  public OwnerForwarder(ClusterView view) {
    this(view, io.kcdc.common.security.Credential.NONE);
  }

  /** With TLS (the server's credential), the owner is called over HTTPS with this capture's certificate, as TiCDC does. */
  public OwnerForwarder(ClusterView view, io.kcdc.common.security.Credential security) {
    this.view = view;
    HttpClient.Builder b = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1);
    if (!security.isEmpty()) {
      b.sslContext(security.httpContext(false));
    }
    this.http = b.build();
    this.scheme = security.isEmpty() ? "http://" : "https://";
  }

  public void forward(ApiContext ctx, String ownerId) throws IOException, InterruptedException {
    int times = parseTimes(ctx.header(FORWARD_TIMES));
    if (times >= 1) {
      throw CdcError.REQUEST_FORWARD_ERR.gen();
    }
    List<CaptureInfo> captures = view.captures();
    String address = captures.stream().filter(c -> c.id().equals(ownerId)).map(CaptureInfo::address)
        .findFirst().orElseThrow(() -> CdcError.OWNER_NOT_FOUND.gen());
    String query = ctx.queryString();
    URI target = URI.create(scheme + address + ctx.path() + (query == null ? "" : "?" + query));
    HttpRequest.Builder req = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(60))
        .method(ctx.method(), HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()));
    for (String name : ctx.headerMap().keySet()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (HOP_HEADERS.contains(lower) || lower.equals(FORWARD_TIMES.toLowerCase(Locale.ROOT))
          || lower.equals(FROM_CAPTURE.toLowerCase(Locale.ROOT))) {
        continue;
      }
      req.header(name, ctx.header(name));
    }
    req.header(FROM_CAPTURE, view.captureId());
    req.header(FORWARD_TIMES, String.valueOf(times + 1));
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw CdcError.UNCLASSIFIED.gen(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    ctx.status(resp.statusCode());
    resp.headers().map().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HOP_HEADERS.contains(lower) && !lower.equals(":status") && !lower.equals("date")
          && !lower.equals("server") && !values.isEmpty()) {
        ctx.header(name, values.get(0));
      }
    });
    ctx.result(resp.body());
  }

  private static int parseTimes(String header) {
    if (header == null || header.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
