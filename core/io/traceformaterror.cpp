#include "io/traceformaterror.h"

namespace Loopscope {

TraceFormatError::TraceFormatError(const QString &message)
    : Error(message)
    , m_problem(message)
{ }

TraceFormatError::TraceFormatError(qint64 line, const QString &problem)
    : Error(QStringLiteral("line %1: %2").arg(line).arg(problem))
    , m_line(line)
    , m_problem(problem)
{ }

ExportError::ExportError(const QString &message)
    : Error(message)
{ }

} // namespace Loopscope
