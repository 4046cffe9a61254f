package io.kcdc.gateway.api;

import io.kcdc.common.security.Credential;
import java.net.InetSocketAddress;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A Jetty server with one servlet on {@code /}: plain HTTP, or HTTPS with the server's credential
 * as TiCDC serves its API when TLS is configured; a client certificate is then required only when
 * {@code cert-allowed-cn} is set, and its CN must be in that list (docs/security.md).
 */
final class JettyServer implements AutoCloseable {
  private final Server server;

  JettyServer(String host, int port, ApiRouter router) {
    this(host, port, router, Credential.NONE);
  }

  JettyServer(String host, int port, ApiRouter router, Credential security) {
    if (security.isEmpty()) {
      server = new Server(new InetSocketAddress(host, port));
    } else {
      server = new Server();
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setSslContext(security.httpContext(true));
      tls.setNeedClientAuth(security.requiresClientCertificate());
      ServerConnector https = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
          new HttpConnectionFactory(new HttpConfiguration()));
      https.setHost(host);
      https.setPort(port);
      server.addConnector(https);
    }
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(router), "/*");
    server.setHandler(context);
  }

  void start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the API server: " + e.getMessage(), e);
    }
  }

  int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the API server", e);
    }
  }
}
