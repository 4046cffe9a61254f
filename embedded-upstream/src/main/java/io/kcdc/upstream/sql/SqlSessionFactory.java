package io.kcdc.upstream.sql;

/** Opens a session for a newly authenticated connection. */
@FunctionalInterface
public interface SqlSessionFactory {
  SqlSession open(long connectionId, String user);
}
