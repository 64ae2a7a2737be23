#pragma once

#include <QList>
#include <QSsl>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

namespace Loopscope {

//! Why the certificate of the server at `endpoint` (asked for as `host`) was refused, with what
//! would help for each of `errors`: the names it is for, its dates, its issuer and --ca-file;
//! --insecure once, as the last resort.
QString certificateRefusal(const QString &endpoint, const QString &host, const QList<QSslError> &errors,
    const QSslCertificate &peerCertificate);

//! Why a TLS handshake with `endpoint` failed, told by the alerts it `received` and `sent`: no TLS
//! version in common, a client certificate asked for, an answer that is not TLS (plain http)...
//! `detail`: what Qt reported.
QString handshakeFailure(const QString &endpoint, const QString &detail,
    const QList<QSsl::AlertType> &received, const QList<QSsl::AlertType> &sent);

} // namespace Loopscope
