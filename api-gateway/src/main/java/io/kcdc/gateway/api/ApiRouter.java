package io.kcdc.gateway.api;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Method + path-template routing ({@code /changefeeds/{changefeed_id}}) for a handful of API
 * routes, with before/after hooks and exception mapping, served as one servlet on Jetty (the
 * Jetty that Kafka Connect's REST server already brings, so a capture runs one Jetty line).
 */
public final class ApiRouter extends HttpServlet {
  /** A route or hook body. */
  @FunctionalInterface
  public interface Handler {
    void handle(ApiContext ctx) throws Exception;
  }

  private record Route(String method, Pattern pattern, List<String> params, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();
  private final List<Map.Entry<String, Handler>> before = new ArrayList<>();
  private final List<Handler> after = new ArrayList<>();
  private final Map<Class<? extends Exception>, BiConsumer<Exception, ApiContext>> exceptionHandlers = new LinkedHashMap<>();

  public void get(String path, Handler h) {
    add("GET", path, h);
  }

  public void post(String path, Handler h) {
    add("POST", path, h);
  }

  public void put(String path, Handler h) {
    add("PUT", path, h);
  }

  public void delete(String path, Handler h) {
    add("DELETE", path, h);
  }

  /** Runs {@code h} before every route whose path starts with {@code prefix}. */
  public void before(String prefix, Handler h) {
    before.add(Map.entry(prefix, h));
  }

  public void after(Handler h) {
    after.add(h);
  }

  /** Maps exceptions of {@code type} (checked in registration order) to a response. */
  @SuppressWarnings("unchecked")
  public <E extends Exception> void exception(Class<E> type, BiConsumer<E, ApiContext> h) {
    exceptionHandlers.put(type, (BiConsumer<Exception, ApiContext>) h);
  }

  private void add(String method, String template, Handler h) {
    List<String> params = new ArrayList<>();
    Matcher m = Pattern.compile("\\{([a-z_]+)}").matcher(template);
    StringBuilder regex = new StringBuilder();
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
      params.add(m.group(1));
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    routes.add(new Route(method, Pattern.compile(regex.toString()), params, h));
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getRequestURI();
    Route match = null;
    Map<String, String> params = new LinkedHashMap<>();
    boolean pathKnown = false;
    for (Route r : routes) {
      Matcher m = r.pattern().matcher(path);
      if (m.matches()) {
        pathKnown = true;
        if (r.method().equals(req.getMethod())) {
          match = r;
          for (int i = 0; i < r.params().size(); i++) {
            params.put(r.params().get(i), m.group(i + 1));
          }
          break;
        }
      }
    }
    ApiContext ctx = new ApiContext(req, resp, params);
    if (match == null) {
      ctx.status(pathKnown ? 405 : 404).contentType("text/plain").result(pathKnown ? "405 method not allowed" : "404 page not found");
    } else {
      try {
        for (Map.Entry<String, Handler> b : before) {
          if (path.startsWith(b.getKey())) {
            b.getValue().handle(ctx);
          }
        }
        match.handler().handle(ctx);
      } catch (Exception e) {
        handleException(e, ctx);
      }
    }
    for (Handler h : after) {
      try {
        h.handle(ctx);
      } catch (Exception e) {
        handleException(e, ctx);
      }
    }
    ctx.discardUnreadBody();
    ctx.send();
  }

  private void handleException(Exception e, ApiContext ctx) {
    for (Map.Entry<Class<? extends Exception>, BiConsumer<Exception, ApiContext>> h : exceptionHandlers.entrySet()) {
      if (h.getKey().isInstance(e)) {
        h.getValue().accept(e, ctx);
        return;
      }
    }
    ctx.status(500).contentType("text/plain").result(String.valueOf(e.getMessage()));
  }
}
