#include "net/tlsrefusal.h"

#include <QDateTime>
#include <QMultiMap>

#include <utility>

namespace Loopscope {

namespace {

QString joined(QStringList items)
{
    items.removeDuplicates();
    if (items.size() < 2)
        return items.value(0);
    const QString last = items.takeLast();
    return items.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
}

//! The names a certificate is for: its subject alternative names, else its common name.
QString namesOf(const QSslCertificate &certificate)
{
    const auto alternatives = certificate.subjectAlternativeNames();
    QStringList names = alternatives.values(QSsl::DnsEntry) + alternatives.values(QSsl::IpAddressEntry);
    if (names.isEmpty())
        names = certificate.subjectInfo(QSslCertificate::CommonName);
    return names.isEmpty() ? QStringLiteral("no host name at all") : joined(names);
}

QString utcTimeOf(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

QString validityOf(const QSslCertificate &certificate)
{
    return QStringLiteral("valid from %1 to %2")
        .arg(utcTimeOf(certificate.effectiveDate()), utcTimeOf(certificate.expiryDate()));
}

bool isUntrustedIssuer(QSslError::SslError error)
{
    switch (error) {
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::CertificateUntrusted:
        return true;
    default:
        return false;
    }
}

//! One sentence for what `error` says about `certificate`, with the way out if there is one.
QString refusalReason(const QSslError &error, const QSslCertificate &certificate, const QString &host)
{
    switch (error.error()) {
    case QSslError::HostNameMismatch:
        return QStringLiteral("it is for %1, not for the host name asked for, %2 (ask for the server by a "
                              "name it is for)")
            .arg(namesOf(certificate), host);
    case QSslError::CertificateExpired:
        return QStringLiteral("it expired on %1 (%2): the server needs a renewed certificate, or this "
                              "machine's clock is ahead")
            .arg(utcTimeOf(certificate.expiryDate()), validityOf(certificate));
    case QSslError::CertificateNotYetValid:
        return QStringLiteral("it is not valid before %1 (%2): this machine's clock is behind, or the "
                              "server uses a certificate too early")
            .arg(utcTimeOf(certificate.effectiveDate()), validityOf(certificate));
    case QSslError::InvalidPurpose:
        return QStringLiteral("it is not meant for a server (its key usage does not allow TLS server "
                              "authentication): the server needs a server certificate");
    case QSslError::SelfSignedCertificate:
        return QStringLiteral("it is self-signed (by \"%1\"), and not trusted here: give it, or the CA "
                              "that signed it, with --ca-file (or a CA file in the window's panel)")
            .arg(certificate.issuerDisplayName());
    default:
        if (isUntrustedIssuer(error.error()))
            return QStringLiteral("it was signed by a CA not trusted here (\"%1\"): give the CA that signed "
                                  "it with --ca-file (or a CA file in the window's panel)")
                .arg(certificate.issuerDisplayName());
        return error.errorString();
    }
}

//! An untrusted issuer is said once, however many links of the chain OpenSSL complains about.
QList<QSslError> withOneUntrustedIssuer(const QList<QSslError> &errors)
{
    QList<QSslError> kept;
    bool untrustedSaid = false;
    for (const QSslError &error : errors) {
        if (isUntrustedIssuer(error.error()) && std::exchange(untrustedSaid, true))
            continue;
        kept.append(error);
    }
    return kept;
}

} // namespace

QString certificateRefusal(const QString &endpoint, const QString &host, const QList<QSslError> &errors,
    const QSslCertificate &peerCertificate)
{
    QStringList reasons;
    QStringList details;
    for (const QSslError &error : withOneUntrustedIssuer(errors)) {
        const QSslCertificate certificate
            = error.certificate().isNull() ? peerCertificate : error.certificate();
        reasons << refusalReason(error, certificate, host);
    }
    for (const QSslError &error : errors)
        details << error.errorString();
    reasons.removeDuplicates();
    details.removeDuplicates();
    return QStringLiteral("the certificate of %1 was refused: %2 (as reported: %3). As a last resort, "
                          "--insecure skips verification.")
        .arg(endpoint, reasons.join(QStringLiteral("; ")), details.join(QStringLiteral("; ")));
}

QString handshakeFailure(const QString &endpoint, const QString &detail,
    const QList<QSsl::AlertType> &received, const QList<QSsl::AlertType> &sent)
{
    if (received.contains(QSsl::AlertType::CertificateRequired))
        return QStringLiteral("the server at %1 asks for a client certificate, which loopscope does not "
                              "send (as reported: %2)")
            .arg(endpoint, detail);
    if (received.contains(QSsl::AlertType::ProtocolVersion)
        || sent.contains(QSsl::AlertType::ProtocolVersion))
        return QStringLiteral("cannot connect to %1: the server and loopscope have no TLS version in "
                              "common (loopscope speaks TLS 1.2 and 1.3; the server, it seems, only "
                              "older ones, which are no longer safe) (as reported: %2)")
            .arg(endpoint, detail);
    if (received.contains(QSsl::AlertType::HandshakeFailure))
        return QStringLiteral("cannot connect to %1: the server refused the TLS handshake: it may have no "
                              "cipher in common with loopscope, or want a client certificate, which "
                              "loopscope does not send (as reported: %2)")
            .arg(endpoint, detail);
    if (received.isEmpty() && sent.isEmpty())
        // OpenSSL sends no alert to an answer that is not TLS at all: the likeliest is plain http.
        return QStringLiteral("cannot connect to %1: the server's answer to the TLS hello is not TLS (if "
                              "it serves plain http, ask for http://) (as reported: %2)")
            .arg(endpoint, detail);
    return QStringLiteral("cannot connect to %1: the TLS handshake failed: %2").arg(endpoint, detail);
}

} // namespace Loopscope
