/**
 * TiDB's storage encodings, shared by the connector (which decodes what TiKV stores) and the embedded upstream
 * (which writes it the way TiDB does): memcomparable primitives, record and index keys, row formats v1 and v2,
 * binary JSON, decimals, packed times, collation sort keys, and the mounted value model every later stage reads. The
 * upstream code is TiDB's <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/tablecodec">pkg/tablecodec</a>,
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/util/codec">pkg/util/codec</a>,
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/util/rowcodec">pkg/util/rowcodec</a> and
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/types">pkg/types</a>, and TiCDC's mounter
 * (<a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/entry/mounter.go">cdc/entry/mounter.go</a>);
 * docs/tidb-encoding.md describes every layout in the order a row is decoded.
 */
package io.kcdc.tidb;
