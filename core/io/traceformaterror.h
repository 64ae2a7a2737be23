#pragma once

#include "scheduler/errors.h"

namespace Loopscope {

/*!
 * A trace file could not be read or written. For problems inside a file, line() is the 1-based
 * line at fault and the message starts with "line N: " so it can be shown as it is; line() is 0
 * for problems with the file as a whole (it cannot be opened, the disk is full).
 */
class TraceFormatError : public Error
{
public:
    explicit TraceFormatError(const QString &message);
    TraceFormatError(qint64 line, const QString &problem);

    qint64 line() const { return m_line; }
    //! The message without the "line N: " prefix.
    const QString &problem() const { return m_problem; }

private:
    qint64 m_line = 0;
    QString m_problem;
};

//! An export could not be produced (an empty or invalid event range, an unwritable file...).
class ExportError : public Error
{
public:
    explicit ExportError(const QString &message);
};

} // namespace Loopscope
