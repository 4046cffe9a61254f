package io.kcdc.common.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** A CA-based trust manager that, once the chain is verified, also applies the {@link CommonNameCheck}. */
final class CommonNameTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager ca;
  private final CommonNameCheck check;

  CommonNameTrustManager(X509ExtendedTrustManager ca, CommonNameCheck check) {
    this.ca = ca;
    this.check = check;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    ca.checkClientTrusted(chain, authType);
    check.check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    ca.checkServerTrusted(chain, authType);
    check.check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    ca.checkClientTrusted(chain, authType, socket);
    check.check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    ca.checkServerTrusted(chain, authType, socket);
    check.check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType, engine);
    check.check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ca.checkServerTrusted(chain, authType, engine);
    check.check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return ca.getAcceptedIssuers();
  }
}
