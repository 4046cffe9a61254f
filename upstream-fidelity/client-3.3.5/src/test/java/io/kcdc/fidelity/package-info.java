/**
 * Fidelity checks of the embedded upstream against a released client that was written for real TiDB clusters: TiKV's
 * Java client reads the rows and schema the embedded TiDB layer wrote. Nothing here is part of the dataflow; it
 * keeps the stand-in honest (docs/tidb-encoding.md, docs/pd-tikv-rpc.md).
 */
package io.kcdc.fidelity;
