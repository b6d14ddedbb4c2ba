// OpenSSL 3 (Debian's libssl-dev): TLS for HTTPServer, test certificates for INSiPKI.
// Many OpenSSL calls are function-like macros Swift cannot import; the static inline
// functions below give them a name. Nothing here does crypto of its own.
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/asn1.h>

#if OPENSSL_VERSION_MAJOR < 3
#error "insi-sim needs OpenSSL 3 (Debian bookworm's libssl-dev)"
#endif

// --- SSL_CTX settings (macros over SSL_CTX_ctrl) ------------------------------------------------

static inline int copenssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int copenssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long copenssl_ctx_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline long copenssl_ctx_set_session_cache_size(SSL_CTX *ctx, long size) {
    return SSL_CTX_sess_set_cache_size(ctx, size);
}
static inline long copenssl_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline long copenssl_ctx_session_hits(SSL_CTX *ctx) { return SSL_CTX_sess_hits(ctx); }

// --- constants defined through macros Swift does not import --------------------------------------

static inline uint64_t copenssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t copenssl_op_cipher_server_preference(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline uint64_t copenssl_op_no_compression(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t copenssl_op_ignore_unexpected_eof(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline long copenssl_mode_release_buffers(void) { return SSL_MODE_RELEASE_BUFFERS; }
static inline long copenssl_sess_cache_server(void) { return SSL_SESS_CACHE_SERVER; }
/// RFC 4514 names (RFC 2253's order and escaping) with UTF-8 kept as it is rather than escaped.
static inline unsigned long copenssl_xn_flag_rfc4514(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }

// --- errors and memory ---------------------------------------------------------------------------

/// The reason text of an error code ("certificate verify failed"), or NULL.
static inline const char *copenssl_error_reason(unsigned long code) { return ERR_reason_error_string(code); }
static inline void copenssl_free(void *pointer) { OPENSSL_free(pointer); }

// --- certificates --------------------------------------------------------------------------------

/// A new RSA key of `bits` bits (EVP_RSA_gen is a variadic macro).
static inline EVP_PKEY *copenssl_rsa_generate(unsigned int bits) { return EVP_RSA_gen(bits); }

static inline int copenssl_sk_x509_name_num(const STACK_OF(X509_NAME) *names) { return sk_X509_NAME_num(names); }
static inline STACK_OF(X509) *copenssl_sk_x509_new(void) { return sk_X509_new_null(); }
static inline int copenssl_sk_x509_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }
static inline void copenssl_sk_x509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }

#endif
