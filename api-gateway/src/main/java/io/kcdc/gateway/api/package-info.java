/**
 * TiCDC's OpenAPI v2 on Jetty: routes, request validation (changefeed ids, replica config, filter rules, sink URIs),
 * TiCDC's error codes, body and HTTP status, forwarding of owner routes to the owner, and the changefeed operations
 * behind them, which write etcd for the owner to act on. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/cdc/api/v2">cdc/api/v2</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/api/middleware/middleware.go">cdc/api/middleware/middleware.go</a>
 * and <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/errors/cdc_errors.go">pkg/errors/cdc_errors.go</a>;
 * docs/api-v2.md describes every route, model and error.
 */
package io.kcdc.gateway.api;
