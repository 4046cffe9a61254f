/**
 * The servers and utilities the integration tests of every module share (test scope): an etcd member and a
 * single-node KRaft Kafka as child processes or in this JVM, child JVMs that can be killed with SIGKILL, free ports,
 * temporary directories, a {@code read_committed} partition reader, a JSON HTTP client, throw-away TLS certificates
 * and a JUnit 5 extension that shares a server across a test class. It plays the part of TiCDC's etcd test utilities
 * (<a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/etcd/testing.go">pkg/etcd/testing.go</a>) and of
 * Kafka's {@code EmbeddedConnectCluster} test jar; docs/testkit.md explains the choices (SIGTERM vs SIGKILL, etcd
 * restarts, a broker that can crash on its own).
 */
package io.kcdc.testkit;
