#include "net/tlssessions.h"

namespace Loopscope {

namespace {
//! For a session whose ticket announced no lifetime.
constexpr std::chrono::seconds DefaultSessionLifetime { 300 };
} // namespace

TlsSessions::TlsSessions(TlsSetup setup, QObject *parent)
    : QObject(parent)
    , m_setup(std::move(setup))
{
    m_setup.sharedContext.reset();
    // The pilot's socket keeps its session (TLS 1.2: from the handshake; 1.3: from the ticket).
    m_setup.configuration.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
}

bool TlsSessions::isPiloting(const QString &host) const
{
    const auto found = m_hosts.constFind(host);
    return found != m_hosts.constEnd() && found->stage == Host::Stage::Piloting;
}

HttpConnection *TlsSessions::open(const QString &host, const QString &name, quint16 port,
    HttpConnection::Clock clock, int number, QObject *parent)
{
    Host &state = m_hosts[host];
    if (state.stage == Host::Stage::Settled && state.sessionExpiry.hasExpired())
        state = Host {};
    if (state.stage == Host::Stage::Settled)
        return new HttpConnection(name, port, std::move(clock), state.setup, number, parent);

    auto *connection = new HttpConnection(name, port, std::move(clock), m_setup, number, parent);
    if (state.stage == Host::Stage::NoPilot) {
        state.stage = Host::Stage::Piloting;
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

void TlsSessions::settle(const QString &host, const HttpConnection *pilot)
{
    Host &state = m_hosts[host];
    if (state.stage != Host::Stage::Piloting)
        return;
    state.stage = Host::Stage::Settled;
    state.setup = m_setup;
    state.setup.configuration.setSessionTicket(pilot ? pilot->sessionTicket() : QByteArray());
    // The shared context keeps the pilot's session for everyone: a connection must not replace it
    // with its own (under TLS 1.3 not yet resumable when its handshake ends).
    state.setup.configuration.setSslOption(QSsl::SslOptionDisableSessionSharing, true);
    state.setup.sharedContext = std::make_shared<SharedTlsContext>();
    const std::chrono::seconds lifetime = pilot ? pilot->sessionTicketLifetime() : std::chrono::seconds(0);
    state.sessionExpiry = QDeadlineTimer(lifetime.count() > 0 ? lifetime : DefaultSessionLifetime);
    emit settled(host);
}

} // namespace Loopscope
