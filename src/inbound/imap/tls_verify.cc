#include "inbound/imap/tls_verify.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <memory>

namespace mailmark {
namespace {

Error TlsError(const std::string& why) {
  return MakeError(ErrorKind::kInvalid, "imap_tls_failed", "TLS: " + why);
}

struct CertDeleter {
  void operator()(gnutls_x509_crt_int* cert) const { gnutls_x509_crt_deinit(cert); }
};
using Cert = std::unique_ptr<gnutls_x509_crt_int, CertDeleter>;

struct TrustListDeleter {
  void operator()(gnutls_x509_trust_list_st* list) const {
    gnutls_x509_trust_list_deinit(list, 1);  // 1: also the CA certificates it loaded
  }
};
using TrustList = std::unique_ptr<gnutls_x509_trust_list_st, TrustListDeleter>;

std::string DescribeStatus(unsigned status) {
  gnutls_datum_t text{};
  if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) < 0) {
    return "the certificate is not trusted";
  }
  std::string out(reinterpret_cast<const char*>(text.data), text.size);
  gnutls_free(text.data);
  return out;
}

}  // namespace

Status VerifyServerCertificate(const std::vector<std::string>& der_chain, const std::string& host) {
  if (der_chain.empty()) return TlsError("the server presented no certificate");
  std::vector<Cert> owned;
  std::vector<gnutls_x509_crt_t> certs;
  for (const std::string& der : der_chain) {
    gnutls_x509_crt_t cert = nullptr;
    if (gnutls_x509_crt_init(&cert) < 0) return TlsError("out of memory");
    owned.emplace_back(cert);
    gnutls_datum_t datum{reinterpret_cast<unsigned char*>(const_cast<char*>(der.data())),
                         static_cast<unsigned>(der.size())};
    if (gnutls_x509_crt_import(cert, &datum, GNUTLS_X509_FMT_DER) < 0) {
      return TlsError("the server's certificate cannot be read");
    }
    certs.push_back(cert);
  }

  gnutls_x509_trust_list_t raw_list = nullptr;
  if (gnutls_x509_trust_list_init(&raw_list, 0) < 0) return TlsError("out of memory");
  TrustList list(raw_list);
  if (gnutls_x509_trust_list_add_system_trust(list.get(), 0, 0) <= 0) {
    return TlsError("no system CA certificates to check the server's certificate against");
  }
  gnutls_typed_vdata_st purpose{
      GNUTLS_DT_KEY_PURPOSE_OID,
      reinterpret_cast<unsigned char*>(const_cast<char*>(GNUTLS_KP_TLS_WWW_SERVER)), 0};
  unsigned status = 0;
  if (gnutls_x509_trust_list_verify_crt2(list.get(), certs.data(),
                                         static_cast<unsigned>(certs.size()), &purpose, 1, 0,
                                         &status, nullptr) < 0) {
    return TlsError("the certificate chain cannot be checked");
  }
  if (status != 0) return TlsError(DescribeStatus(status));
  // Handles IP address literals as well as DNS names (with wildcards).
  if (gnutls_x509_crt_check_hostname2(certs.front(), host.c_str(), 0) == 0) {
    return TlsError("the certificate does not name " + host);
  }
  return Ok{};
}

}  // namespace mailmark
