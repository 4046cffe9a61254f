package io.kcdc.common.security;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * TiCDC's {@code cert-allowed-cn} check (docs/security.md): the peer is accepted only if a
 * certificate of its verified chain has a Common Name in the allowed set.
 */
final class CommonNameCheck {
  private final Set<String> allowed;
  private final List<String> configured;

  CommonNameCheck(List<String> allowedCn) {
    this.configured = List.copyOf(allowedCn);
    this.allowed = Set.copyOf(allowedCn.stream().map(String::trim).toList());
  }

  void check(X509Certificate[] chain) throws CertificateException {
    List<String> seen = new ArrayList<>();
    for (X509Certificate c : chain) {
      String cn = commonName(c.getSubjectX500Principal());
      seen.add(cn);
      if (allowed.contains(cn)) {
        return;
      }
    }
    // Go prints string slices as [a b]; TiCDC formats both lists that way.
    throw new CertificateException("client certificate authentication failed. The Common Name from the client "
        + "certificate " + goList(seen) + " was not found in the configuration cluster-verify-cn with value: "
        + goList(configured));
  }

  static String commonName(X500Principal subject) {
    try {
      for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
      return "";
    } catch (InvalidNameException e) {
      return "";
    }
  }

  private static String goList(List<String> values) {
    return "[" + String.join(" ", values) + "]";
  }
}
