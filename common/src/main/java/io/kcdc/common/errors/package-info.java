/**
 * TiCDC's error catalogue ({@link io.kcdc.common.errors.CdcError}) and the two forms its errors take:
 * {@link io.kcdc.common.errors.CdcException} on the API, {@link io.kcdc.common.errors.CodedException}
 * on the data path (docs/errors.md).
 */
package io.kcdc.common.errors;
