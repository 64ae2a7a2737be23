#pragma once

#include "net/httpresponseparser.h"
#include "net/sharedtlscontext.h"

#include <QCoroTask>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QObject>
#include <QSslConfiguration>
#include <QSslError>

#include <chrono>
#include <functional>
#include <memory>

class QTcpSocket;

namespace Loopscope {

//! How an https connection sets up TLS.
struct TlsSetup
{
    //! Which CAs to trust, whether to verify; may carry a session ticket to resume.
    QSslConfiguration configuration;
    //! The system's CAs are trusted too, found when needed (see trustSystemCasToo()).
    bool systemCasToo = false;
    //! If set, every handshake uses the context it holds, or gives it its own if it holds none yet.
    std::shared_ptr<SharedTlsContext> sharedContext;
    //! The session in `configuration` was stripped of the server's certificate (see TlsSessions):
    //! resuming it, the server sends none, which is then no error.
    bool resumesWithoutCertificate = false;
};

/*!
 * One keep-alive HTTP/1.1 connection to host:port over a QTcpSocket, or over a QSslSocket when
 * given a TLS configuration (https), carrying one exchange at a time. exchange() connects if
 * needed (a QCoro await; for TLS until the handshake is done and the certificate verified),
 * writes the request and completes when the response is complete, failed or timed out. Responses
 * are parsed as bytes arrive.
 */
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;

    //! `number` names it in traces (its client counts its connections from 1).
    HttpConnection(QString host, quint16 port, Clock clock, int number = 0, QObject *parent = nullptr);
    //! A TLS connection.
    HttpConnection(
        QString host, quint16 port, Clock clock, TlsSetup tls, int number = 0, QObject *parent = nullptr);
    //! A TLS connection whose setup is asked for when its handshake starts, not before: one opened
    //! while the host's first handshake runs can then resume the session that handshake brings.
    HttpConnection(QString host, quint16 port, Clock clock, std::function<TlsSetup()> setupAtHandshake,
        int number = 0, QObject *parent = nullptr);
    ~HttpConnection() override;

    //! host:port, as a user writes it ([::1]:443 for an IPv6 address).
    QString endpoint() const;
    bool isOpen() const;
    bool isTls() const { return m_tls; }
    //! After a TLS handshake: the session ticket the server gave, to resume with (may be empty).
    QByteArray sessionTicket() const;
    //! How long the server said sessionTicket() may be used (0: it did not say).
    std::chrono::seconds sessionTicketLifetime() const;
    bool isBusy() const { return m_busy; }
    //! How many exchanges this connection has completed (0: fresh).
    int exchangeCount() const { return m_exchanges; }

    int number() const { return m_number; }
    //! Opens the TCP connection now, ahead of the first exchange, which then has only the TLS
    //! handshake left (and the rest of the connecting, if that is not done yet).
    void connectAhead();
    //! Sends `request` and completes with the response; `timings`, if given, is filled in as the
    //! steps happen (it must outlive the exchange). `deadline` ends the whole attempt: connecting,
    //! the TLS handshake, sending and the response; `timeout` is the time it was given, for messages.
    QCoro::Task<HttpResponse> exchange(HttpRequest request, QDeadlineTimer deadline,
        std::chrono::milliseconds timeout, ExchangeTimings *timings = nullptr);
    //! The same, with the whole attempt given `timeout` from now.
    QCoro::Task<HttpResponse> exchange(
        HttpRequest request, std::chrono::milliseconds timeout, ExchangeTimings *timings = nullptr)
    {
        return exchange(std::move(request), QDeadlineTimer(timeout), timeout, timings);
    }
    void close();
    //! Ends the exchange under way (its caller was cancelled): the connection is closed and the
    //! exchange throws as soon as it resumes.
    void cancelExchange();

    static QByteArray serialize(const HttpRequest &request);

signals:
    void exchangeEnded();
    //! Connecting ended, successfully or not (QCoro's waitForConnected ignores refusals).
    void connectEnded();
    //! TLS: sessionTicket() now holds what the server gave to resume this session with (TLS 1.2: at
    //! the end of the handshake; TLS 1.3: when its first ticket arrives, after the handshake).
    void sessionTicketReady();
    //! TLS: a handshake succeeded, resuming an earlier session or not.
    void handshakeEnded(bool resumed);
    //! TLS: the TCP connection beneath is up, with the round trip to the server the kernel measured
    //! (the handshake starts now, or when an exchange needs it).
    void tcpConnected(std::chrono::microseconds roundTrip);

private:
    //! Writes the exchange's request if it is not sent yet and the connection is open.
    void sendRequest();
    void readAvailable();
    void peerClosed();
    void endExchange();
    void watchSocket();
    //! The connected socket's round trip to the server, as the kernel measured it.
    std::chrono::microseconds roundTrip() const;
    //! A closed socket, about to connect: no Nagle, the connect timed from now.
    void beginConnecting();
    //! Sets the socket up as the TLS setup says now.
    void applyTlsSetup();
    //! On a socket connected ahead: the handshake, on the setup as it is now.
    void startTlsNow();
    //! Why the server's certificate was refused and what would help, in the user's words.
    QString whyCertificateRefused() const;
    //! Why a TLS handshake that raised no certificate error failed, and what would help.
    QString whyHandshakeFailed() const;
    //! What had not happened yet when the attempt's time ran out while connecting.
    QString connectingTimeout(std::chrono::milliseconds timeout) const;
    //! The server refused to go on without a client certificate (TLS 1.3 tells so after the
    //! handshake, when the request is already sent).
    bool serverWantsClientCertificate() const;

    QString m_host;
    quint16 m_port;
    Clock m_clock;
    int m_number = 0;
    ExchangeTimings *m_timings = nullptr; //!< of the exchange under way
    QTcpSocket *m_socket;
    bool m_tls = false;
    std::function<TlsSetup()> m_tlsSetup;
    std::shared_ptr<SharedTlsContext> m_sharedContext; //!< of the setup the handshake uses
    bool m_resumesWithoutCertificate = false;          //!< ditto
    bool m_connectingAhead = false;
    QElapsedTimer m_connecting;   //!< since the TCP connection was asked for (if the kernel cannot say)
    QList<QSslError> m_sslErrors; //!< of the last handshake
    QList<QSsl::AlertType> m_alertsReceived; //!< TLS alerts of the current connection
    QList<QSsl::AlertType> m_alertsSent;     //!< ditto
    QByteArray m_unsentRequest;              //!< the exchange's request, until it is written
    HttpResponseParser m_parser;
    std::int64_t m_firstByteNs = -1;
    int m_exchanges = 0;
    bool m_busy = false;
    bool m_ended = false;
    bool m_cancelled = false;
};

} // namespace Loopscope
