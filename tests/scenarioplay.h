#pragma once

// Small helpers shared by the scenario tests: play a built-in scenario to its end, read its
// messages. The general trace helpers (fullText, countKind) are in testlib/tracetext.h.
#include "scenarios/scenarioregistry.h"
#include "testlib/tracetext.h"

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
