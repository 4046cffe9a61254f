/**
 * The server's TLS credential as TiCDC's {@code --ca/--cert/--key/--cert-allowed-cn} describe it, turned into the
 * SSL contexts of the gRPC clients to PD and TiKV, the etcd client and the HTTPS API, with TiCDC's Common Name check
 * on peers. TiCDC's counterpart is
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/security/credential.go">pkg/security/credential.go</a>;
 * docs/security.md says where the credential is used and how a failure is reported.
 */
package io.kcdc.common.security;
