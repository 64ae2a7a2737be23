#include "net/sharedtlscontext.h"

#include <QtNetwork/private/qsslsocket_p.h>

namespace Loopscope {

void SharedTlsContext::lendTo(QSslSocket *socket) const
{
    if (m_context)
        QSslSocketPrivate::checkSettingSslContext(socket, m_context);
}

void SharedTlsContext::adoptFrom(QSslSocket *socket)
{
    if (!m_context)
        m_context = QSslSocketPrivate::sslContext(socket);
}

namespace {
QSslSocketPrivate *privateOf(QSslSocket *socket)
{
    return static_cast<QSslSocketPrivate *>(QObjectPrivate::get(socket));
}
} // namespace

void SharedTlsContext::dropIfUsedBy(QSslSocket *socket)
{
    if (m_context && QSslSocketPrivate::sslContext(socket) == m_context)
        m_context.reset();
}

void sendHandshakeFlightsAtOnce(QSslSocket *socket)
{
    QTcpSocket *const plain = privateOf(socket)->plainTcpSocket();
    if (!plain)
        return;
    // Connected after QSslSocket's own slots, so these run once it has written its answer.
    const auto send = [plain] { plain->flush(); };
    QObject::connect(plain, &QAbstractSocket::connected, plain, send); // the client's hello
    QObject::connect(plain, &QIODevice::readyRead, plain, send);       // the answer to a flight
    send();                                                            // what was written already
}

void trustSystemCasToo(QSslSocket *socket)
{
    privateOf(socket)->allowRootCertOnDemandLoading = true;
}

bool trustsSystemCas(QSslSocket *socket)
{
    return privateOf(socket)->isRootsOnDemandAllowed();
}

bool resumedSession(QSslSocket *socket)
{
    return privateOf(socket)->configuration.peerSessionShared;
}

} // namespace Loopscope
