package io.kcdc.gateway.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP exchange as the API handlers see it: request accessors and a buffered response. */
public final class ApiContext {
  /** Go's net/http reads at most this much of a body its handler left (maxPostHandlerReadBytes). */
  private static final long MAX_DISCARDED_BODY = 256 << 10;

  private final HttpServletRequest req;
  private final HttpServletResponse resp;
  private final Map<String, String> pathParams;
  private byte[] body;
  private byte[] result = new byte[0];
  private int status = 200;

  ApiContext(HttpServletRequest req, HttpServletResponse resp, Map<String, String> pathParams) {
    this.req = req;
    this.resp = resp;
    this.pathParams = pathParams;
  }

  public String method() {
    return req.getMethod();
  }

  public String path() {
    return req.getRequestURI();
  }

  /** The raw query string, or null. */
  public String queryString() {
    return req.getQueryString();
  }

  public String queryParam(String name) {
    return req.getParameter(name);
  }

  public String pathParam(String name) {
    return pathParams.get(name);
  }

  public String header(String name) {
    return req.getHeader(name);
  }

  public Map<String, String> headerMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      m.put(name, req.getHeader(name));
    }
    return m;
  }

  public byte[] bodyAsBytes() {
    if (body == null) {
      try {
        body = req.getInputStream().readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return body;
  }

  public ApiContext status(int code) {
    this.status = code;
    return this;
  }

  public int statusCode() {
    return status;
  }

  public ApiContext contentType(String type) {
    resp.setContentType(type);
    return this;
  }

  public ApiContext header(String name, String value) {
    resp.setHeader(name, value);
    return this;
  }

  public ApiContext result(byte[] bytes) {
    this.result = bytes;
    return this;
  }

  public ApiContext result(String text) {
    return result(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads what the route left of the request body (up to 256 KiB, as Go's net/http does after a
   * TiCDC handler): Jetty closes a persistent connection whose body has not arrived when the
   * answer is complete, without a {@code Connection: close}, and the client's next request on it
   * then gets no answer. A larger leftover closes the connection, saying so.
   */
  void discardUnreadBody() throws IOException {
    if (body != null) {
      return;
    }
    byte[] skip = new byte[8192];
    long left = MAX_DISCARDED_BODY;
    var in = req.getInputStream();
    int n;
    while (left > 0 && (n = in.read(skip, 0, (int) Math.min(skip.length, left))) >= 0) {
      left -= n;
    }
    if (left <= 0 && in.read() >= 0) {
      resp.setHeader("Connection", "close");
    }
  }

  void send() throws IOException {
    resp.setStatus(status);
    resp.setContentLength(result.length);
    resp.getOutputStream().write(result);
  }
}
