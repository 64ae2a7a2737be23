#include "cli/eventdispatcher.h"

#include "cli/epolleventdispatcher.h"

#include <QCoreApplication>

#include <memory>

namespace Loopscope {

void installCommandLineEventDispatcher()
{
    if (qEnvironmentVariable("LOOPSCOPE_EVENT_DISPATCHER") != QLatin1String("poll")) {
        auto dispatcher = std::make_unique<EpollEventDispatcher>();
        if (dispatcher->isValid()) {
            QCoreApplication::setEventDispatcher(dispatcher.release()); // the application's now
            return;
        }
        qWarning("loopscope: %s; using Qt's poll() event dispatcher", qPrintable(dispatcher->errorString()));
    }
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
}

} // namespace Loopscope
