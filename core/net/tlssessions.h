#pragma once

#include "net/httpconnection.h"
#include "net/sharedtlscontext.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <memory>
#include <optional>

namespace Loopscope {

/*!
 * How an HTTP client sets up TLS with each host (scheme://host:port), as browsers do: the first
 * connection to a host, its pilot, makes a full handshake; the connections opened while it does
 * wait for it (patience(), pilotProgressed()), and from then on every connection to that host
 * resumes the session the pilot was given, on one TLS context they share. A resumed handshake
 * skips the certificate (sent, parsed, verified) and the context (built, CAs loaded); the session
 * is kept without the server's certificate (withoutPeerCertificate()), so that Qt has none to copy.
 * The client and the server then spend about a third of a full handshake's CPU.
 *
 * A host that gives no ticket still shares the context. The session is used until the lifetime its
 * ticket announced runs out; then the next connection is a pilot again (ten seconds after a pilot
 * that brought none, as one that failed).
 */
class TlsSessions : public QObject
{
    Q_OBJECT
public:
    //! `setup`: the CAs to trust, the verification, the protocols (its shared context is unused).
    explicit TlsSessions(TlsSetup setup, QObject *parent = nullptr);

    const QSslConfiguration &configuration() const { return m_setup.configuration; }
    //! A new connection to `host` waiting for its pilot, counted while it lives (see patience()).
    class Waiter
    {
    public:
        Waiter(TlsSessions *sessions, QString host);
        ~Waiter();
        Waiter(const Waiter &) = delete;
        Waiter &operator=(const Waiter &) = delete;
        Waiter(Waiter &&) = delete;
        Waiter &operator=(Waiter &&) = delete;

    private:
        QPointer<TlsSessions> m_sessions;
        QString m_host;
    };

    //! How long a new connection to `host` should still wait for its pilot, with the Waiters of
    //! `host` waiting in all (0: not at all). Waiting saves each of them about a millisecond of CPU
    //! (and the server as much), so they wait that long in all, and `atLeast`: a pilot on a LAN is
    //! done sooner, one across the Internet takes a few round trips, for which a few connections
    //! should not wait.
    std::chrono::milliseconds patience(const QString &host, std::chrono::milliseconds atLeast) const;
    //! A new TLS connection to `host` (the pilot, or one resuming its session), made a child of
    //! `parent`. Whether it resumes is settled when its handshake starts.
    HttpConnection *open(const QString &host, const QString &name, quint16 port, HttpConnection::Clock clock,
        int number, QObject *parent);

    //! `session` (an OpenSSL SSL_SESSION in DER, as QSslConfiguration::sessionTicket() holds it)
    //! without the server's certificate, or nothing if it is not such a session. Qt copies the
    //! certificate of every resumed connection out of the session, which costs about a quarter
    //! of a resumed handshake with OpenSSL 3.0 (its key decoder is slow); the session's secret
    //! proves the server all the same.
    static std::optional<QByteArray> withoutPeerCertificate(const QByteArray &session);

    //! Whether the pilot to `host`, still shaking hands, found a round trip of at least `roundTrip`
    //! when it connected (TCP): then a connection waiting for it gains that by connecting meanwhile.
    bool isFar(const QString &host, std::chrono::milliseconds roundTrip) const;

signals:
    //! The pilot to `host` connected (TCP; see isFar()), or ended its part: then connections to it
    //! need no longer wait.
    void pilotProgressed(const QString &host);

private:
    struct Host
    {
        enum class Stage { NoPilot, Piloting, Settled };
        Stage stage = Stage::NoPilot;
        TlsSetup setup; //!< once settled: the pilot's session to resume, the context to share
        QDeadlineTimer sessionExpiry;
        QElapsedTimer piloting;                             //!< since the pilot was opened
        std::optional<std::chrono::microseconds> roundTrip; //!< the pilot's, once it connected
    };
    void settle(const QString &host, const HttpConnection *pilot);
    //! The setup of a handshake with `host` starting now: its pilot's session once it settled.
    TlsSetup setupFor(const QString &host, bool pilot) const;

    TlsSetup m_setup;
    QHash<QString, Host> m_hosts;
    QHash<QString, int> m_waiting; //!< Waiters per host
};

} // namespace Loopscope
