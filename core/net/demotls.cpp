#include "net/demotls.h"

#include "scheduler/errors.h"

#include <QFile>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslKey>

namespace Loopscope::DemoTls {

namespace {

QByteArray resource(const QString &name)
{
    QFile file(QStringLiteral(":/tls/") + name);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("the demo TLS certificate is missing from this build (%1)").arg(name));
    return file.readAll();
}

//! Forward-secret AEAD suites only, as servers configured today offer them (TLS 1.3 and 1.2).
QList<QSslCipher> modernCiphers()
{
    static const QStringList names { QStringLiteral("TLS_AES_128_GCM_SHA256"),
        QStringLiteral("TLS_AES_256_GCM_SHA384"), QStringLiteral("TLS_CHACHA20_POLY1305_SHA256"),
        QStringLiteral("ECDHE-ECDSA-AES128-GCM-SHA256"), QStringLiteral("ECDHE-ECDSA-AES256-GCM-SHA384"),
        QStringLiteral("ECDHE-ECDSA-CHACHA20-POLY1305") };
    QList<QSslCipher> ciphers;
    for (const QSslCipher &cipher : QSslConfiguration::supportedCiphers()) {
        if (names.contains(cipher.name()))
            ciphers << cipher;
    }
    return ciphers;
}

} // namespace

QSslConfiguration serverConfiguration()
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    const QSslCertificate certificate(resource(QStringLiteral("demo-server.pem")), QSsl::Pem);
    const QSslKey key(resource(QStringLiteral("demo-server-key.pem")), QSsl::Ec, QSsl::Pem);
    if (certificate.isNull() || key.isNull())
        throw Error(QStringLiteral("the demo TLS certificate of this build cannot be read"));
    configuration.setLocalCertificate(certificate);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
    configuration.setCaCertificates({});                     // nor are their certificates checked
    configuration.setCiphers(modernCiphers());
    // Tickets on: TlsServer's connections share one ticket key, so a session is resumed anywhere.
    configuration.setSslOption(QSsl::SslOptionDisableSessionTickets, false);
    return configuration;
}

QByteArray caPem()
{
    return resource(QStringLiteral("demo-ca.pem"));
}

QString writeCaFile(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(caPem()) < 0 || !file.commit())
        return QStringLiteral("cannot write the demo CA to %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace Loopscope::DemoTls
