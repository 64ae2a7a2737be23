#pragma once

#include <QEventLoop>
#include <QTimer>

namespace Loopscope {

//! Runs the calling thread's event loop until `sender` emits one of `anyOf`, at most `ms`: how a
//! consumer that steps through a growing recording waits for more of it.
template<typename Sender, typename... Signals>
void waitForSignals(int ms, const Sender *sender, Signals... anyOf)
{
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    (QObject::connect(sender, anyOf, &loop, &QEventLoop::quit), ...);
    timeout.start(ms);
    loop.exec();
}

} // namespace Loopscope
