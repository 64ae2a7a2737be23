#include "scheduler/errors.h"

namespace Loopscope {

Error::Error(const QString &message)
    : std::runtime_error(message.toStdString())
{ }

LoopAlreadyRunningError::LoopAlreadyRunningError()
    : Error(QStringLiteral("the event loop is already running"))
{ }

CancelledError::CancelledError(const QString &why)
    : Error(why)
{ }

TimeoutError::TimeoutError(const QString &message)
    : Error(message)
{ }

QueueClosedError::QueueClosedError()
    : Error(QStringLiteral("the queue is closed"))
{ }

InvalidStateError::InvalidStateError(const QString &message)
    : Error(message)
{ }

QString describeException(const std::exception_ptr &error)
{
    if (!error)
        return {};
    try {
        std::rethrow_exception(error);
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("unknown error");
    }
}

} // namespace Loopscope
