#include "run/tracemetadata.h"

#include <QDateTime>

namespace Loopscope {

TraceMetadata TraceMetadata::recordedNow(
    const QString &scenarioId, const ScenarioParams &params, ClockMode clock)
{
    TraceMetadata metadata;
    metadata.scenarioId = scenarioId;
    metadata.params = params;
    metadata.clock = clock;
    metadata.createdBy = QStringLiteral("Loopscope ") + loopscopeVersion();
    metadata.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    return metadata;
}

QString loopscopeVersion()
{
    return QStringLiteral(LOOPSCOPE_VERSION);
}

QLatin1StringView clockModeName(ClockMode mode)
{
    return mode == ClockMode::Real ? QLatin1StringView("real") : QLatin1StringView("virtual");
}

bool clockModeFromName(QStringView name, ClockMode &mode)
{
    if (name == u"virtual")
        mode = ClockMode::Virtual;
    else if (name == u"real")
        mode = ClockMode::Real;
    else
        return false;
    return true;
}

} // namespace Loopscope
