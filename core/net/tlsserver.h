#pragma once

#include "net/sharedtlscontext.h"

#include <QSslConfiguration>
#include <QTcpServer>

#include <chrono>

namespace Loopscope {

/*!
 * A TCP server whose connections speak TLS and share one TLS context, so one ticket key: a client
 * resumes on any connection a session it was given on another, as it can with web servers, and a
 * new connection costs the server about half the CPU it costs with QSslServer (which builds a
 * context, and a ticket key, for each). A connection becomes pending (nextPendingConnection()) once
 * its handshake is done; one whose handshake fails or does not finish within the time-out is
 * closed and deleted.
 */
class TlsServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit TlsServer(QSslConfiguration configuration, QObject *parent = nullptr);

    void setHandshakeTimeout(std::chrono::milliseconds timeout) { m_handshakeTimeout = timeout; }

protected:
    void incomingConnection(qintptr handle) override;

private:
    QSslConfiguration m_configuration;
    SharedTlsContext m_context;
    std::chrono::milliseconds m_handshakeTimeout { 10'000 };
};

} // namespace Loopscope
