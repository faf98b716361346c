// Server certificate checks for libetpan's TLS streams, which accept any certificate.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace mailmark {

// Ok when `der_chain` (the server's certificate first, then its intermediates, DER encoded)
// leads to a CA the system trusts and the server certificate names `host` (DNS name or IP
// address). Errors: imap_tls_failed, with the reason.
Status VerifyServerCertificate(const std::vector<std::string>& der_chain, const std::string& host);

}  // namespace mailmark
