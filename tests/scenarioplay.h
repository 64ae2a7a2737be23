#pragma once

// Small helpers shared by the scenario tests: play a built-in scenario to its end, read its trace.
#include "scenarios/scenarioregistry.h"

#include <memory>
#include <QStringList>

namespace ScenarioTesting {

constexpr std::int64_t Second = 1'000'000'000;
constexpr std::int64_t Ms = 1'000'000;

struct Played
{
    std::unique_ptr<Loopscope::Run> run;
    const Loopscope::Trace &trace() const { return run->trace(); }
};

//! Starts scenario `id` with "key=value" parameters and runs it to the end.
inline Played play(const QString &id, const QStringList &assignments = {})
{
    const Loopscope::ScenarioRegistry registry;
    Played played { registry.get(id).start(registry.parseParams(id, assignments)) };
    played.run->runToEnd();
    return played;
}

inline QString fullText(const Loopscope::Trace &trace)
{
    QStringList lines;
    for (qsizetype i = 0; i < trace.size(); ++i)
        lines << trace.describe(trace.at(i));
    return lines.join(u'\n');
}

inline qsizetype countKind(const Loopscope::Trace &trace, Loopscope::EventKind kind)
{
    qsizetype n = 0;
    for (qsizetype i = 0; i < trace.size(); ++i)
        n += trace.at(i).kind == kind;
    return n;
}

//! "task: text" of every Message event, in order.
inline QStringList messages(const Loopscope::Trace &trace)
{
    QStringList out;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const Loopscope::TraceEvent &e = trace.at(i);
        if (e.kind == Loopscope::EventKind::Message)
            out << trace.taskName(e.task) + QStringLiteral(": ") + trace.detailText(e);
    }
    return out;
}

//! Times (ns) of the Message events whose text is `text`.
inline QList<std::int64_t> timesOf(const Loopscope::Trace &trace, const QString &text)
{
    QList<std::int64_t> times;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const Loopscope::TraceEvent &e = trace.at(i);
        if (e.kind == Loopscope::EventKind::Message && trace.detailText(e) == text)
            times << e.timeNs;
    }
    return times;
}

} // namespace ScenarioTesting
