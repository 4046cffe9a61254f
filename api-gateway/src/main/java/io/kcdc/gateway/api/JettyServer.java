package io.kcdc.gateway.api;

import java.net.InetSocketAddress;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty server with one servlet on {@code /}. */
final class JettyServer implements AutoCloseable {
  private final Server server;

  JettyServer(String host, int port, ApiRouter router) {
    server = new Server(new InetSocketAddress(host, port));
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
