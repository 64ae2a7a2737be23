#pragma once

#include <QSocketNotifier>
#include <QString>

#include <csignal>
#include <memory>

namespace Loopscope {

/*!
 * Routes SIGINT and SIGTERM into the event loop for as long as it lives (the self-pipe trick):
 * the handler only writes a byte to a socket pair, and `activated()` of notifier() reports it.
 * The previous handlers are restored on destruction. One instance at a time.
 */
class TerminationSignals
{
public:
    TerminationSignals();
    ~TerminationSignals();
    TerminationSignals(const TerminationSignals &) = delete;
    TerminationSignals &operator=(const TerminationSignals &) = delete;

    //! Null when the socket pair could not be created; error() says why.
    QSocketNotifier *notifier() const { return m_notifier.get(); }
    const QString &error() const { return m_error; }
    //! The number of the signal that arrived, or 0.
    int takeSignal() const;

private:
    int m_fds[2] = { -1, -1 };
    struct sigaction m_previousInt = {};
    struct sigaction m_previousTerm = {};
    std::unique_ptr<QSocketNotifier> m_notifier;
    QString m_error;
};

} // namespace Loopscope
