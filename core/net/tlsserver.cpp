#include "net/tlsserver.h"

#include <QSslSocket>
#include <QTimer>

#include <unistd.h>

namespace Loopscope {

TlsServer::TlsServer(QSslConfiguration configuration, QObject *parent)
    : QTcpServer(parent)
    , m_configuration(std::move(configuration))
{ }

void TlsServer::incomingConnection(qintptr handle)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        ::close(static_cast<int>(handle));
        return;
    }
    socket->setSslConfiguration(m_configuration);
    const auto giveUp = [socket] {
        socket->abort();
        socket->deleteLater();
    };
    auto *deadline = new QTimer(socket);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this, giveUp);
    deadline->start(m_handshakeTimeout);
    // Until its handshake is done the socket is this server's; then it is its taker's.
    connect(socket, &QSslSocket::encrypted, this, [this, socket, deadline] {
        disconnect(socket, nullptr, this, nullptr);
        delete deadline;
        addPendingConnection(socket);
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, giveUp);
    connect(socket, &QSslSocket::sslErrors, this, giveUp);
    sendHandshakeFlightsAtOnce(socket);
    m_context.lendTo(socket);
    socket->startServerEncryption();
    m_context.adoptFrom(socket);
}

} // namespace Loopscope
