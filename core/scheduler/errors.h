#pragma once

#include <QString>

#include <stdexcept>

namespace Loopscope {

//! Base of every error Loopscope raises: its message is written for the person using the tool.
class Error : public std::runtime_error
{
public:
    explicit Error(const QString &message);
    QString message() const { return QString::fromUtf8(what()); }
};

//! run/step was called while the same loop is already running ("the event loop is already running").
class LoopAlreadyRunningError : public Error
{
public:
    LoopAlreadyRunningError();
};

//! Thrown at a task's await point when the task is cancelled.
class CancelledError : public Error
{
public:
    explicit CancelledError(const QString &why = QStringLiteral("the task was cancelled"));
};

//! waitFor() gave up: the awaited task did not finish within its timeout.
class TimeoutError : public Error
{
public:
    explicit TimeoutError(const QString &message);
};

//! A value was put on, or awaited from, a queue that has been closed.
class QueueClosedError : public Error
{
public:
    QueueClosedError();
};

//! An operation that does not fit the object's current state (e.g. a task result read too early).
class InvalidStateError : public Error
{
public:
    explicit InvalidStateError(const QString &message);
};

//! Text of an exception_ptr for traces and messages ("unknown error" for non-std exceptions).
QString describeException(const std::exception_ptr &error);

} // namespace Loopscope
