#pragma once

#include <QtGlobal>

#include <memory>

QT_BEGIN_NAMESPACE
class QSslContext;
class QSslSocket;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * One TLS context (with Qt's OpenSSL backend: an SSL_CTX holding the trusted CAs, the ticket key
 * and the session to resume) shared by many QSslSockets, as Qt's own HTTP stack shares one between
 * the connections to a host. Qt builds a context for every socket otherwise: for a client, about a
 * tenth of a full handshake's CPU, plus loading every trusted CA; for a server, nearly half of it,
 * and a ticket key of its own, so that no session it issues can be resumed on another connection.
 *
 * Qt's public API has no way to share one (Qt 6.4): this uses QSslSocketPrivate. Its source is the
 * only place that includes a private Qt header.
 */
class SharedTlsContext
{
public:
    //! Gives `socket` the shared context, if one was adopted. Call before its handshake starts
    //! (Qt builds or takes the context when encryption starts, and drops it when the socket closes).
    void lendTo(QSslSocket *socket) const;
    //! Takes the context `socket` is using as the one to share, if there is none yet. Call once its
    //! handshake has started.
    void adoptFrom(QSslSocket *socket);
    //! Lets the next socket build a context of its own (to be adopted), if `socket` uses the one
    //! shared now.
    void dropIfUsedBy(QSslSocket *socket);

private:
    std::shared_ptr<QSslContext> m_context;
};

//! Makes `socket` trust the system's CAs besides those its configuration lists, looked up when a
//! chain needs one (as Qt does while no CA was set). Qt stops trusting them once any CA is set, and
//! listing them all costs parsing each (about 0.1 s for Debian's 140). Call after
//! QSslSocket::setSslConfiguration().
void trustSystemCasToo(QSslSocket *socket);
//! Whether `socket` trusts the system's CAs besides those its configuration lists.
bool trustsSystemCas(QSslSocket *socket);

/*!
 * Makes `socket` send each flight of its handshake as soon as Qt writes it. Qt writes handshake
 * records into the buffer of the plain socket beneath and sends them when the event loop next finds
 * that socket writable: after everything else ready in the same pass. With 1,000 connections
 * shaking hands at once a pass lasts hundreds of milliseconds, and every flight of every handshake
 * waited for its end on both sides. Call once the socket has its plain socket: after
 * connectToHostEncrypted(), connectToHost() or setSocketDescriptor(); what is written already is
 * sent at once.
 */
void sendHandshakeFlightsAtOnce(QSslSocket *socket);

//! After `socket`'s handshake: it resumed an earlier session (no certificate was sent).
bool resumedSession(QSslSocket *socket);

} // namespace Loopscope
