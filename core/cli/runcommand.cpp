#include "cli/runcommand.h"

#include "io/tracestreamer.h"

#include "cli/tracetext.h"
#include "scenarios/runningtimetable.h"
#include "scenarios/scenarioregistry.h"
#include "scheduler/errors.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace Loopscope {

namespace {

const QString TableScenario = QStringLiteral("sequential-vs-concurrent");

QString usage()
{
    return QStringLiteral(
        "usage: loopscope run <scenario> [--param key=value]... [--steps N] [--tasks] [--table [--csv]]\n"
        "Plays a scenario to its end and prints its trace, one event a line.\n"
        "  --param key=value  a scenario parameter; 'loopscope list' shows the scenarios and their "
        "parameters\n"
        "  --steps N          stop after N scheduling steps\n"
        "  --tasks            then every task: its state, time running and waiting, resumptions, outcome\n"
        "  --table [--csv]    print the running-time table instead (sequential-vs-concurrent)\n");
}

int badUsage(QTextStream &err, const QString &why)
{
    err << "loopscope run: " << why << '\n' << usage();
    return 2;
}

//! For --table: rows up to n operations are simulated when n is given, up to a million otherwise.
qint64 simulateUpTo(const QStringList &assignments, const ScenarioParams &params)
{
    for (const QString &assignment : assignments) {
        if (assignment.section(u'=', 0, 0).trimmed() == QStringLiteral("n"))
            return static_cast<qint64>(params.value(QStringLiteral("n")));
    }
    return 1'000'000;
}

} // namespace

int runRunCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption paramOption(
        QStringLiteral("param"), QStringLiteral("A scenario parameter."), QStringLiteral("key=value"));
    const QCommandLineOption stepsOption(
        QStringLiteral("steps"), QStringLiteral("Stop after N steps."), QStringLiteral("N"));
    const QCommandLineOption tableOption(
        QStringLiteral("table"), QStringLiteral("Print the running-time table."));
    const QCommandLineOption csvOption(QStringLiteral("csv"), QStringLiteral("Print the table as CSV."));
    const QCommandLineOption tasksOption(
        QStringLiteral("tasks"), QStringLiteral("Print every task's summary."));
    const QCommandLineOption helpOption(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOptions({ paramOption, stepsOption, tableOption, csvOption, tasksOption, helpOption });
    parser.addPositionalArgument(QStringLiteral("scenario"), QStringLiteral("The scenario to play."));
    if (!parser.parse(QStringList { QStringLiteral("run") } + args))
        return badUsage(err, parser.errorText());
    if (parser.isSet(helpOption)) {
        out << usage();
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return badUsage(err, QStringLiteral("which scenario? Give its name"));
    if (positional.size() > 1)
        return badUsage(err, QStringLiteral("one scenario at a time, got '%1'").arg(positional.join(u' ')));
    qint64 maxSteps = 0;
    if (parser.isSet(stepsOption)) {
        bool ok = false;
        maxSteps = parser.value(stepsOption).toLongLong(&ok);
        if (!ok || maxSteps < 1)
            return badUsage(err,
                QStringLiteral("--steps needs a whole number of at least 1, got '%1'")
                    .arg(parser.value(stepsOption)));
    }

    const ScenarioRegistry registry;
    const QString id = positional.first();
    ScenarioParams params;
    try {
        params = registry.parseParams(id, parser.values(paramOption));
    } catch (const Error &error) {
        return badUsage(err, error.message());
    }
    if (parser.isSet(csvOption) && !parser.isSet(tableOption))
        return badUsage(err, QStringLiteral("--csv only goes with --table"));
    if (parser.isSet(tableOption)) {
        if (id != TableScenario)
            return badUsage(err, QStringLiteral("--table belongs to %1, not %2").arg(TableScenario, id));
        const auto latency
            = std::chrono::milliseconds(static_cast<qint64>(params.value(QStringLiteral("latency_ms"))));
        const RunningTimeTable table
            = RunningTimeTable::build(latency, simulateUpTo(parser.values(paramOption), params));
        out << (parser.isSet(csvOption) ? table.toCsv() : table.toMarkdown());
        return 0;
    }

    try {
        const auto run = registry.get(id).start(params);
        // LOOPSCOPE_LIVE / LOOPSCOPE_TRACE: the run is also streamed to a window or a file.
        const auto live = TraceStreamer::fromEnvironment(
            run->trace(), QStringLiteral("loopscope run %1").arg(id), run->clockMode());
        const qint64 steps = run->runToEnd(maxSteps);
        const Trace &trace = run->trace();
        printTrace(trace, out);
        const std::int64_t lastTime = trace.isEmpty() ? 0 : trace.last().timeNs;
        out << id << ": "
            << (run->isFinished() ? QStringLiteral("finished") : QStringLiteral("stopped, not finished"))
            << " after " << steps << " steps, " << trace.size() << " events, " << formatDuration(lastTime)
            << " of virtual time\n";
        if (parser.isSet(tasksOption))
            printTasks(trace, out);
    } catch (const std::exception &error) {
        err << "loopscope run: " << id << " failed: " << error.what() << '\n';
        return 1;
    }
    return 0;
}

} // namespace Loopscope
