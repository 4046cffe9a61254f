/**
 * Facts every module shares, each written once: TiDB's table-filter grammar ({@link io.kcdc.common.TableFilter},
 * which the connector, the owner and the API all match tables with) and the layout of PD timestamps ({@link
 * io.kcdc.common.Tso}). TiCDC takes them from TiDB's
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/util/table-filter">pkg/util/table-filter</a> and from
 * client-go's {@code oracle} package. The rules are written down in docs/filters.md#table-filter-rules and
 * docs/pd-tikv-rpc.md#tso.
 */
package io.kcdc.common;
