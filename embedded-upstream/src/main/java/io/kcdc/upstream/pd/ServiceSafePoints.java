package io.kcdc.upstream.pd;

import io.kcdc.common.Tso;
import java.util.HashMap;
import java.util.Map;

/**
 * PD's service GC safepoints: each service keeps a safepoint with a TTL; GC may not pass the
 * minimum of the live ones. An update that would move a service below the current minimum is
 * refused (PD only saves {@code safePoint >= min}); a TTL {@code <= 0} removes the service.
 */
public final class ServiceSafePoints {
  /** One service's safepoint; {@code expiresAtSeconds} is Long.MAX_VALUE for "never". */
  public record ServiceSafePoint(String serviceId, long safePoint, long expiresAtSeconds) {}

  /** PD's answer: the minimum service after the update (null when none is left), and whether it saved. */
  public record Result(ServiceSafePoint min, boolean updated) {}

  private final Map<String, ServiceSafePoint> services = new HashMap<>();

  public synchronized Result update(String serviceId, long ttlSeconds, long safePoint, long nowSeconds) {
    ServiceSafePoint min = min(nowSeconds);
    if (ttlSeconds <= 0) {
      services.remove(serviceId);
      return new Result(min(nowSeconds), false);
    }
    long expires = Long.MAX_VALUE - nowSeconds <= ttlSeconds ? Long.MAX_VALUE : nowSeconds + ttlSeconds;
    ServiceSafePoint ssp = new ServiceSafePoint(serviceId, safePoint, expires);
    if (min == null || !Tso.before(safePoint, min.safePoint())) {
      services.put(serviceId, ssp);
      return new Result(min(nowSeconds), true);
    }
    return new Result(min, false);
  }

  /** The live service with the smallest safepoint; expired services are dropped first. */
  public synchronized ServiceSafePoint min(long nowSeconds) {
    services.values().removeIf(s -> s.expiresAtSeconds() <= nowSeconds);
    ServiceSafePoint min = null;
    for (ServiceSafePoint s : services.values()) {
      if (min == null || Tso.before(s.safePoint(), min.safePoint())) {
        min = s;
      }
    }
    return min;
  }
}
