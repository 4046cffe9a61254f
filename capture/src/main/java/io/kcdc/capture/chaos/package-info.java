/**
 * {@code cdc chaos}: a steady write load, SIGKILLs of captures (the owner among them), the time until the checkpoint
 * passes each kill, and an audit of the sink topic against what was committed (each change exactly once, in order
 * per key). It proves what docs/crash-recovery.md claims; TiCDC's nearest counterpart is its integration tests under
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/tests/integration_tests">tests/integration_tests</a>.
 */
package io.kcdc.capture.chaos;
