// XML signatures (xmlsec1 over libxml2 and OpenSSL) and the X.509 checks of a card certificate,
// for INSiSOAP's SAML assertions. The C here only calls the libraries: canonicalisation,
// digests and signatures are xmlsec's and OpenSSL's; nothing cryptographic is written here.
// Helpers are static inline so that this system-library target needs no C source file.
// SwiftPM passes pkg-config's -I flags but drops its -D flags, and xmlsec's ABI depends on them
// (XMLSEC_NO_SIZE_T makes xmlSecSize an unsigned int). They are those of
// `pkg-config --cflags xmlsec1-openssl` on Debian 12; a test compares the two.
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_CRYPTO_OPENSSL 1
#define __XMLSEC_FUNCTION__ __func__
#include <libxml/xmlversion.h>
// As in CLibXML2: Debian's libxml2 headers would pull in the system ICU, which clashes with
// the ICU Foundation bundles; only xmlCharEncodingHandler's layout depends on it (never used).
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xmlsave.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

// MARK: Errors: xmlsec prints to stderr by default; keep its last message for the caller.

/// The first error of the current operation on this thread. A function-local static: Swift
/// does not emit a header's static variables, only the functions it calls. (All calls into this
/// module go through one Swift file, so there is one copy of it.)
static inline char *insi_xmlsec_error_text(void) {
    static __thread char text[512];
    return text;
}

static inline void insi_xmlsec_on_error(const char *file, int line, const char *func, const char *errorObject,
                                        const char *errorSubject, int reason, const char *msg) {
    (void)file; (void)line; (void)func; (void)errorObject; (void)reason;
    // Keep the first error of an operation: later ones are its consequences.
    char *text = insi_xmlsec_error_text();
    if (text[0] != 0) return;
    snprintf(text, 512, "%s%s%s",
             errorSubject ? errorSubject : "", (errorSubject && msg) ? ": " : "", msg ? msg : "");
}

static inline const char *insi_xmlsec_last_error(void) { return insi_xmlsec_error_text(); }
static inline void insi_xmlsec_clear_error(void) { insi_xmlsec_error_text()[0] = 0; }

/// Once per process. 0 on success.
static inline int insi_xmlsec_initialize(void) {
    xmlSecErrorsSetCallback(insi_xmlsec_on_error);
    if (xmlSecInit() < 0) return -1;
    if (xmlSecCheckVersion() != 1) return -2;
    if (xmlSecCryptoAppInit(NULL) < 0) return -3;
    if (xmlSecCryptoInit() < 0) return -4;
    return 0;
}

/// Frees what the library allocated for a result (a signed assertion's bytes).
static inline void insi_xmlsec_free(void *pointer) { xmlFree(pointer); }

// MARK: Documents (only the C side sees libxml2's tree; Swift passes bytes and gets results)

static inline xmlNodePtr insi_xmlsec_child(xmlNodePtr parent, const char *ns, const char *name, int *count) {
    xmlNodePtr found = NULL;
    int seen = 0;
    for (xmlNodePtr child = parent ? parent->children : NULL; child != NULL; child = child->next) {
        if (child->type != XML_ELEMENT_NODE || child->ns == NULL) continue;
        if (xmlStrEqual(child->name, (const xmlChar *)name) && xmlStrEqual(child->ns->href, (const xmlChar *)ns)) {
            if (found == NULL) found = child;
            seen++;
        }
    }
    if (count != NULL) *count = seen;
    return found;
}

/// Declares the attribute `ID` of `element` an ID, so that `URI="#value"` finds the element:
/// the only ID of the document (libxml2 registers none by itself without a DTD).
static inline int insi_xmlsec_register_id(xmlDocPtr doc, xmlNodePtr element, char *value, int size) {
    xmlAttrPtr attribute = xmlHasProp(element, (const xmlChar *)"ID");
    if (attribute == NULL || attribute->children == NULL) return -1;
    xmlChar *text = xmlNodeListGetString(doc, attribute->children, 1);
    if (text == NULL) return -1;
    snprintf(value, size, "%s", (const char *)text);
    int result = xmlGetID(doc, text) == NULL && xmlAddID(NULL, doc, text, attribute) != NULL ? 0 : -1;
    xmlFree(text);
    return result;
}

/// Parses without network access and without substituting entities (a DOCTYPE is refused by
/// the caller's byte screen before this).
static inline xmlDocPtr insi_xmlsec_parse(const char *bytes, int length) {
    return xmlReadMemory(bytes, length, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

// MARK: Signing

/// Signs the assertion `bytes` (a `saml:Assertion` root holding an empty `ds:Signature`
/// template) with the PEM key and certificate; `*signedBytes` (to free with xmlFree) is the
/// signed element, without an XML declaration. 0 on success.
static inline int insi_xmlsec_sign_assertion(const char *bytes, int length, const unsigned char *key, unsigned int keyLength,
                                             const unsigned char *certificate, unsigned int certificateLength,
                                             xmlChar **signedBytes, int *signedLength) {
    insi_xmlsec_clear_error();
    *signedBytes = NULL;
    *signedLength = 0;
    xmlDocPtr doc = insi_xmlsec_parse(bytes, length);
    if (doc == NULL) return -1;
    int result = -1;
    char id[256];
    xmlNodePtr assertion = xmlDocGetRootElement(doc);
    xmlNodePtr signature = insi_xmlsec_child(assertion, "http://www.w3.org/2000/09/xmldsig#", "Signature", NULL);
    xmlSecDSigCtxPtr context = xmlSecDSigCtxCreate(NULL);
    if (signature != NULL && context != NULL && insi_xmlsec_register_id(doc, assertion, id, sizeof(id)) == 0) {
        context->signKey = xmlSecCryptoAppKeyLoadMemory(key, keyLength, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
        if (context->signKey != NULL
            && xmlSecCryptoAppKeyCertLoadMemory(context->signKey, certificate, certificateLength, xmlSecKeyDataFormatPem) >= 0
            && xmlSecDSigCtxSign(context, signature) >= 0) {
            xmlBufferPtr buffer = xmlBufferCreate();
            if (buffer != NULL && xmlNodeDump(buffer, doc, assertion, 0, 0) > 0) {
                *signedLength = (int)xmlBufferLength(buffer);
                *signedBytes = xmlStrndup(xmlBufferContent(buffer), *signedLength);
                result = *signedBytes != NULL ? 0 : -1;
            }
            if (buffer != NULL) xmlBufferFree(buffer);
        }
    }
    if (context != NULL) xmlSecDSigCtxDestroy(context);
    xmlFreeDoc(doc);
    return result;
}

// MARK: Verifying

/// What verifying the assertion of an envelope found.
typedef struct {
    /// `saml:Assertion` elements in `soap:Header/wsse:Security`, and `ds:Signature` elements in
    /// the first one.
    int assertions;
    int signatures;
    /// The first assertion's ID; 0 when it could be declared the document's only ID.
    char assertionID[256];
    int idRegistered;
    /// 1 when the verification ran; then `valid` is 1 when the signature and the digest of its
    /// reference are right.
    int verified;
    int valid;
    /// The number of references in SignedInfo, and the first one's URI.
    int references;
    char uri[256];
} insi_xmlsec_verification;

/// Verifies the signature of the assertion in the envelope `bytes` with the public key of the DER
/// certificate given (the one of KeyInfo, checked separately with `insi_x509_check`). Only
/// same-document references, exclusive c14n, the enveloped-signature transform, SHA-256 and
/// RSA-SHA256 are enabled: anything else fails. 0 when the document could be read.
static inline int insi_xmlsec_verify_envelope(const char *bytes, int length, const unsigned char *certificate,
                                              unsigned int certificateLength, insi_xmlsec_verification *out) {
    insi_xmlsec_clear_error();
    memset(out, 0, sizeof(*out));
    xmlDocPtr doc = insi_xmlsec_parse(bytes, length);
    if (doc == NULL) return -1;
    xmlNodePtr envelope = xmlDocGetRootElement(doc);
    const char *soap = envelope && envelope->ns ? (const char *)envelope->ns->href : "";
    xmlNodePtr header = insi_xmlsec_child(envelope, soap, "Header", NULL);
    xmlNodePtr security = insi_xmlsec_child(header, "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd", "Security", NULL);
    xmlNodePtr assertion = insi_xmlsec_child(security, "urn:oasis:names:tc:SAML:2.0:assertion", "Assertion", &out->assertions);
    xmlNodePtr signature = insi_xmlsec_child(assertion, "http://www.w3.org/2000/09/xmldsig#", "Signature", &out->signatures);
    if (assertion != NULL) {
        out->idRegistered = insi_xmlsec_register_id(doc, assertion, out->assertionID, sizeof(out->assertionID)) == 0;
    }
    if (signature != NULL && out->idRegistered) {
        xmlSecDSigCtxPtr context = xmlSecDSigCtxCreate(NULL);
        if (context != NULL) {
            context->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
            context->signKey = xmlSecCryptoAppKeyLoadMemory(certificate, certificateLength, xmlSecKeyDataFormatCertDer, NULL, NULL, NULL);
            if (context->signKey != NULL
                && xmlSecDSigCtxEnableSignatureTransform(context, xmlSecTransformExclC14NId) >= 0
                && xmlSecDSigCtxEnableSignatureTransform(context, xmlSecTransformRsaSha256Id) >= 0
                && xmlSecDSigCtxEnableReferenceTransform(context, xmlSecTransformEnvelopedId) >= 0
                && xmlSecDSigCtxEnableReferenceTransform(context, xmlSecTransformExclC14NId) >= 0
                && xmlSecDSigCtxEnableReferenceTransform(context, xmlSecTransformSha256Id) >= 0
                && xmlSecDSigCtxVerify(context, signature) >= 0) {
                out->verified = 1;
                out->valid = context->status == xmlSecDSigStatusSucceeded ? 1 : 0;
                xmlSecSize count = xmlSecPtrListGetSize(&context->signedInfoReferences);
                out->references = (int)count;
                if (count > 0) {
                    xmlSecDSigReferenceCtxPtr reference = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&context->signedInfoReferences, 0);
                    if (reference != NULL && reference->uri != NULL) {
                        snprintf(out->uri, sizeof(out->uri), "%s", (const char *)reference->uri);
                    }
                }
            }
            xmlSecDSigCtxDestroy(context);
        }
    }
    xmlFreeDoc(doc);
    return 0;
}

// MARK: X.509

/// What checking a card certificate found.
typedef struct {
    /// X509_V_OK (0) when it chains to one of the trusted certificates and is valid at the time
    /// given; else OpenSSL's verification error, explained in `error`.
    int verifyResult;
    char error[160];
    /// 1 when the key usage extension allows signing (digitalSignature or nonRepudiation).
    int keyUsageAllowsSigning;
    /// Seconds since 1970.
    long long notBefore;
    long long notAfter;
    /// RFC 4514-like text, and the subject as lines "oid<TAB>value<TAB>set" in the
    /// certificate's order (entries of one multi-valued RDN share `set`).
    char subject[1024];
    char subjectEntries[2048];
    char issuer[1024];
    char serial[80];
} insi_x509_report;

static inline long long insi_x509_time(const ASN1_TIME *time) {
    struct tm parsed;
    memset(&parsed, 0, sizeof(parsed));
    if (time == NULL || ASN1_TIME_to_tm(time, &parsed) != 1) return 0;
    return (long long)timegm(&parsed);
}

static inline void insi_x509_name_text(X509_NAME *name, char *buffer, int size) {
    buffer[0] = 0;
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return;
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
        int length = BIO_read(bio, buffer, size - 1);
        buffer[length > 0 ? length : 0] = 0;
    }
    BIO_free(bio);
}

/// Checks the DER certificate against the PEM bundle `trusted` at `atTime` (seconds since 1970)
/// and describes it. 0 when the certificate could be read.
static inline int insi_x509_check(const unsigned char *der, int length, const char *trusted, int trustedLength,
                                  long long atTime, insi_x509_report *report) {
    memset(report, 0, sizeof(*report));
    const unsigned char *cursor = der;
    X509 *certificate = d2i_X509(NULL, &cursor, length);
    if (certificate == NULL) return -1;
    report->notBefore = insi_x509_time(X509_get0_notBefore(certificate));
    report->notAfter = insi_x509_time(X509_get0_notAfter(certificate));
    insi_x509_name_text(X509_get_subject_name(certificate), report->subject, sizeof(report->subject));
    insi_x509_name_text(X509_get_issuer_name(certificate), report->issuer, sizeof(report->issuer));
    X509_NAME *subject = X509_get_subject_name(certificate);
    size_t used = 0;
    for (int index = 0; index < X509_NAME_entry_count(subject); index++) {
        X509_NAME_ENTRY *entry = X509_NAME_get_entry(subject, index);
        char oid[64];
        OBJ_obj2txt(oid, sizeof(oid), X509_NAME_ENTRY_get_object(entry), 1);
        unsigned char *utf8 = NULL;
        int utf8Length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
        if (utf8Length < 0) continue;
        int written = snprintf(report->subjectEntries + used, sizeof(report->subjectEntries) - used, "%s\t%.*s\t%d\n",
                               oid, utf8Length, (const char *)utf8, X509_NAME_ENTRY_set(entry));
        OPENSSL_free(utf8);
        if (written < 0 || (size_t)written >= sizeof(report->subjectEntries) - used) break;
        used += (size_t)written;
    }
    BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), NULL);
    if (serial != NULL) {
        char *hex = BN_bn2hex(serial);
        if (hex != NULL) {
            snprintf(report->serial, sizeof(report->serial), "%s", hex);
            OPENSSL_free(hex);
        }
        BN_free(serial);
    }
    uint32_t usage = X509_get_key_usage(certificate);
    report->keyUsageAllowsSigning = usage != UINT32_MAX && (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;

    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *context = X509_STORE_CTX_new();
    BIO *bio = BIO_new_mem_buf(trusted, trustedLength);
    report->verifyResult = X509_V_ERR_UNSPECIFIED;
    if (store != NULL && context != NULL && bio != NULL) {
        X509 *authority;
        while ((authority = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
            X509_STORE_add_cert(store, authority);
            X509_free(authority);
        }
        ERR_clear_error();
        if (X509_STORE_CTX_init(context, store, certificate, NULL) == 1) {
            X509_STORE_CTX_set_time(context, 0, (time_t)atTime);
            report->verifyResult = X509_verify_cert(context) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context);
        }
    }
    snprintf(report->error, sizeof(report->error), "%s", X509_verify_cert_error_string(report->verifyResult));
    BIO_free(bio);
    X509_STORE_CTX_free(context);
    X509_STORE_free(store);
    X509_free(certificate);
    return 0;
}
