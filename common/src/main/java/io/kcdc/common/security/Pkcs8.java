package io.kcdc.common.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an unencrypted PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}) of a common algorithm. */
final class Pkcs8 {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Pkcs8() {}

  /** The key, or empty if the file holds another form (PKCS#1, encrypted, ...). */
  static Optional<PrivateKey> read(Path path) {
    Matcher m;
    try {
      m = PEM.matcher(Files.readString(path));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!m.find()) {
      return Optional.empty();
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(spec));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    return Optional.empty();
  }
}
