#include "net/demotls.h"

#include "scheduler/errors.h"

#include <QFile>
#include <QSaveFile>
#include <QSslCertificate>
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
    // Nor are clients' certificates checked: no CA list, which Qt would otherwise load into the
    // TLS context of every connection (about 1 ms each, in a burst of new connections).
    configuration.setCaCertificates({});
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
