package io.kcdc.capture;

/** What the playground prints once everything is up: endpoints and commands to paste. */
final class Banner {
  private Banner() {}

  static String text(String pd, String mysql, String admin, String etcd, String kafka, String api, String connect) {
    String mysqlHost = mysql.substring(0, mysql.lastIndexOf(':'));
    String mysqlPort = mysql.substring(mysql.lastIndexOf(':') + 1);
    return """

        kcdc playground is running (Ctrl-C stops everything)
          upstream PD (gRPC)      %s
          upstream TiDB (MySQL)   %s   user root, no password
          upstream faults (HTTP)  http://%s   GET /regions, POST /faults/split?table=&handle=, ...
          etcd                    %s
          Kafka                   %s
          capture OpenAPI v2      http://%s
          Kafka Connect REST      %s

        Try it:
          mysql -h %s -P %s -u root -e "CREATE TABLE test.t (id INT PRIMARY KEY, v VARCHAR(32)); INSERT INTO test.t VALUES (1,'a'),(2,'b')"

          curl -s -X POST http://%s/api/v2/changefeeds -H 'Content-Type: application/json' \\
            -d '{"changefeed_id":"demo","sink_uri":"kafka://%s/cdc-demo?protocol=canal-json&enable-tidb-extension=true&partition-num=3","replica_config":{"filter":{"rules":["test.*"]}}}'
          curl -s http://%s/api/v2/changefeeds/demo

          ./cdc cli consume --kafka %s --topic cdc-demo

          curl -s -X POST 'http://%s/faults/transfer-leader?region=<id>&store=<id>'   (ids from GET /regions)
          curl -s -X POST 'http://%s/faults/orphan-lock?db=test&table=t&handle=3&primary_handle=4&primary_committed=true'
            (a TiDB dying between prewrite and commit; the changefeed resolves the lock within seconds)

        """.formatted(pd, mysql, admin, etcd, kafka, api, connect, mysqlHost, mysqlPort, api, kafka, api, kafka, admin,
            admin);
  }
}
