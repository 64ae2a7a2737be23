#include "net/tlssessions.h"

namespace Loopscope {

namespace {

//! For a session whose ticket announced no lifetime.
constexpr std::chrono::seconds DefaultSessionLifetime { 300 };
//! After a pilot that brought no session (it failed, or the host gives none): a new pilot then.
constexpr std::chrono::seconds NextPilotWithoutSession { 10 };
//! The client CPU a resumed handshake saves (measured: about 1.2 ms; the server saves as much).
constexpr std::chrono::milliseconds SavedByWaiting { 1 };
constexpr unsigned char DerSequence = 0x30;
//! SSL_SESSION's `peer` field: [3] EXPLICIT Certificate OPTIONAL (OpenSSL's ssl/ssl_asn1.c).
constexpr unsigned char SessionPeerField = 0xA3;

//! The DER length at `at`, which it passes; -1 if there is none.
qsizetype readDerLength(const QByteArray &der, qsizetype &at)
{
    if (at >= der.size())
        return -1;
    const auto first = static_cast<unsigned char>(der[at++]);
    if (first < 0x80)
        return first;
    const int bytes = first & 0x7f;
    if (bytes == 0 || bytes > 4 || at + bytes > der.size())
        return -1;
    qsizetype length = 0;
    for (int i = 0; i < bytes; ++i)
        length = (length << 8) | static_cast<unsigned char>(der[at++]);
    return length;
}

QByteArray derLength(qsizetype length)
{
    if (length < 0x80)
        return QByteArray(1, static_cast<char>(length));
    QByteArray bytes;
    for (; length > 0; length >>= 8)
        bytes.prepend(static_cast<char>(length & 0xff));
    return static_cast<char>(0x80 | bytes.size()) + bytes;
}

} // namespace

std::optional<QByteArray> TlsSessions::withoutPeerCertificate(const QByteArray &session)
{
    qsizetype at = 0;
    if (session.isEmpty() || static_cast<unsigned char>(session[at++]) != DerSequence)
        return std::nullopt;
    const qsizetype length = readDerLength(session, at);
    if (length < 0 || at + length != session.size())
        return std::nullopt;
    QByteArray fields;
    bool hadPeer = false;
    while (at < session.size()) {
        const qsizetype start = at;
        const auto tag = static_cast<unsigned char>(session[at++]);
        if ((tag & 0x1f) == 0x1f)
            return std::nullopt; // a tag of several bytes: not a session this knows
        const qsizetype fieldLength = readDerLength(session, at);
        if (fieldLength < 0 || at + fieldLength > session.size())
            return std::nullopt;
        at += fieldLength;
        if (tag == SessionPeerField)
            hadPeer = true;
        else
            fields += session.sliced(start, at - start);
    }
    if (!hadPeer)
        return std::nullopt;
    return static_cast<char>(DerSequence) + derLength(fields.size()) + fields;
}

TlsSessions::TlsSessions(TlsSetup setup, QObject *parent)
    : QObject(parent)
    , m_setup(std::move(setup))
{
    m_setup.sharedContext.reset();
    // The pilot's socket keeps its session (TLS 1.2: from the handshake; 1.3: from the ticket).
    m_setup.configuration.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
}

TlsSessions::Waiter::Waiter(TlsSessions *sessions, QString host)
    : m_sessions(sessions)
    , m_host(std::move(host))
{
    ++m_sessions->m_waiting[m_host];
}

TlsSessions::Waiter::~Waiter()
{
    if (m_sessions && --m_sessions->m_waiting[m_host] == 0)
        m_sessions->m_waiting.remove(m_host);
}

std::chrono::milliseconds TlsSessions::patience(const QString &host, std::chrono::milliseconds atLeast) const
{
    const auto found = m_hosts.constFind(host);
    if (found == m_hosts.constEnd() || found->stage != Host::Stage::Piloting)
        return std::chrono::milliseconds(0);
    const std::chrono::milliseconds budget = std::max(atLeast, SavedByWaiting * m_waiting.value(host));
    return std::max(
        std::chrono::milliseconds(0), budget - std::chrono::milliseconds(found->piloting.elapsed()));
}

HttpConnection *TlsSessions::open(const QString &host, const QString &name, quint16 port,
    HttpConnection::Clock clock, int number, QObject *parent)
{
    Host &state = m_hosts[host];
    if (state.stage == Host::Stage::Settled && state.sessionExpiry.hasExpired())
        state = Host {};
    const bool pilot = state.stage == Host::Stage::NoPilot;
    // Asked when the handshake starts: a connection opened while the pilot's handshake runs (and
    // connected ahead) resumes its session if that has ended by then.
    const auto setupAtHandshake
        = [sessions = QPointer<const TlsSessions>(this), host, pilot, fallback = m_setup] {
              return sessions ? sessions->setupFor(host, pilot) : fallback;
          };
    auto *connection = new HttpConnection(name, port, std::move(clock), setupAtHandshake, number, parent);
    if (pilot) {
        state.stage = Host::Stage::Piloting;
        state.piloting.start();
        connect(connection, &HttpConnection::tcpConnected, this,
            [this, host](std::chrono::microseconds roundTrip) {
                Host &piloted = m_hosts[host];
                if (piloted.stage != Host::Stage::Piloting || piloted.roundTrip)
                    return;
                piloted.roundTrip = roundTrip;
                emit pilotProgressed(host);
            });
        const auto settleOnce = [this, host, connection] {
            disconnect(connection, nullptr, this, nullptr);
            settle(host, connection);
        };
        connect(connection, &HttpConnection::sessionTicketReady, this, settleOnce);
        connect(connection, &HttpConnection::exchangeEnded, this, settleOnce);
        connect(connection, &QObject::destroyed, this, [this, host] { settle(host, nullptr); });
    }
    return connection;
}

TlsSetup TlsSessions::setupFor(const QString &host, bool pilot) const
{
    const auto found = m_hosts.constFind(host);
    if (pilot || found == m_hosts.constEnd() || found->stage != Host::Stage::Settled
        || found->sessionExpiry.hasExpired())
        return m_setup;
    return found->setup;
}

bool TlsSessions::isFar(const QString &host, std::chrono::milliseconds roundTrip) const
{
    const auto found = m_hosts.constFind(host);
    return found != m_hosts.constEnd() && found->stage == Host::Stage::Piloting && found->roundTrip
        && *found->roundTrip >= roundTrip;
}

void TlsSessions::settle(const QString &host, const HttpConnection *pilot)
{
    Host &state = m_hosts[host];
    if (state.stage != Host::Stage::Piloting)
        return;
    state.stage = Host::Stage::Settled;
    state.setup = m_setup;
    const QByteArray session = pilot ? pilot->sessionTicket() : QByteArray();
    const std::optional<QByteArray> lighter = withoutPeerCertificate(session);
    state.setup.configuration.setSessionTicket(lighter.value_or(session));
    state.setup.resumesWithoutCertificate = lighter.has_value();
    // The shared context keeps the pilot's session for everyone: a connection must not replace it
    // with its own (under TLS 1.3 not yet resumable when its handshake ends).
    state.setup.configuration.setSslOption(QSsl::SslOptionDisableSessionSharing, true);
    state.setup.sharedContext = std::make_shared<SharedTlsContext>();
    const std::chrono::seconds lifetime = pilot ? pilot->sessionTicketLifetime() : std::chrono::seconds(0);
    state.sessionExpiry = QDeadlineTimer(session.isEmpty() ? NextPilotWithoutSession
            : lifetime.count() > 0                         ? lifetime
                                                           : DefaultSessionLifetime);
    emit pilotProgressed(host); // (waiters resume from the event loop, not from OpenSSL's callback)
}

} // namespace Loopscope
