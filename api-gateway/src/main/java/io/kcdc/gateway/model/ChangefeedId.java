package io.kcdc.gateway.model;

import java.util.Comparator;

/** A changefeed's identity: namespace and id, ordered as TiCDC lists them. */
public record ChangefeedId(String namespace, String id) implements Comparable<ChangefeedId> {
  /** The namespace used when a request names none. */
  public static final String DEFAULT_NAMESPACE = "default";

  private static final Comparator<ChangefeedId> ORDER =
      Comparator.comparing(ChangefeedId::namespace).thenComparing(ChangefeedId::id);

  public static ChangefeedId of(ChangefeedInfo info) {
    return new ChangefeedId(info.namespace(), info.id());
  }

  @Override
  public int compareTo(ChangefeedId o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return namespace + "/" + id;
  }
}
