#include "cli/lintcommand.h"

#include "analysis/lints.h"
#include "io/tracefilereader.h"
#include "scenarios/scenarioregistry.h"
#include "scheduler/errors.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace Loopscope {

namespace {

QString usage()
{
    QStringList kinds;
    for (const FindingKind kind : allFindingKinds())
        kinds << QString(findingKindName(kind));
    return QStringLiteral(
        "usage: loopscope lint (TRACE.loopscope | --scenario ID [--param k=v]...) [--max-step-ms N]\n"
        "                      [--max-ready-ms N] [--max-in-flight N] [--only KIND,...]\n"
        "Finds what went wrong in a schedule: one line per finding; exit status 0 when clean, 1 when\n"
        "something was found, 2 for bad usage or a damaged trace.\n"
        "  --max-step-ms N     a step longer than this blocks the loop (default 100)\n"
        "  --max-ready-ms N    ready longer than this before being resumed is starved (default 100)\n"
        "  --max-in-flight N   more I/O in flight at once is an unbounded fan-out (default 1000)\n"
        "  --only KIND,...     only these kinds: %1\n")
        .arg(kinds.join(QStringLiteral(", ")));
}

int badUsage(QTextStream &err, const QString &why)
{
    err << "loopscope lint: " << why << '\n' << usage();
    return 2;
}

bool readNumber(const QString &text, double &value)
{
    bool ok = false;
    value = text.toDouble(&ok);
    return ok;
}

} // namespace

int runLintCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption scenarioOption(
        QStringLiteral("scenario"), QStringLiteral("A scenario."), QStringLiteral("ID"));
    const QCommandLineOption paramOption(
        QStringLiteral("param"), QStringLiteral("A parameter."), QStringLiteral("k=v"));
    const QCommandLineOption stepOption(
        QStringLiteral("max-step-ms"), QStringLiteral("Longest step."), QStringLiteral("N"));
    const QCommandLineOption readyOption(
        QStringLiteral("max-ready-ms"), QStringLiteral("Longest ready wait."), QStringLiteral("N"));
    const QCommandLineOption flightOption(
        QStringLiteral("max-in-flight"), QStringLiteral("Most I/O in flight."), QStringLiteral("N"));
    const QCommandLineOption onlyOption(
        QStringLiteral("only"), QStringLiteral("Kinds."), QStringLiteral("KIND,..."));
    const QCommandLineOption helpOption(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Help."));
    parser.addOptions(
        { scenarioOption, paramOption, stepOption, readyOption, flightOption, onlyOption, helpOption });
    if (!parser.parse(QStringList { QStringLiteral("lint") } + args))
        return badUsage(err, parser.errorText());
    if (parser.isSet(helpOption)) {
        out << usage();
        return 0;
    }
    LintOptions options;
    const auto milliseconds = [&](const QCommandLineOption &option, std::int64_t &ns) -> QString {
        if (!parser.isSet(option))
            return {};
        double value = 0;
        if (!readNumber(parser.value(option), value) || value <= 0)
            return QStringLiteral("--%1 needs a number of milliseconds above 0, got '%2'")
                .arg(option.names().front(), parser.value(option));
        ns = static_cast<std::int64_t>(value * 1e6);
        return {};
    };
    if (const QString why = milliseconds(stepOption, options.maxStepNs); !why.isEmpty())
        return badUsage(err, why);
    if (const QString why = milliseconds(readyOption, options.maxReadyNs); !why.isEmpty())
        return badUsage(err, why);
    if (parser.isSet(flightOption)) {
        bool ok = false;
        options.maxInFlight = parser.value(flightOption).toInt(&ok);
        if (!ok || options.maxInFlight < 1)
            return badUsage(err,
                QStringLiteral("--max-in-flight needs a whole number of at least 1, got '%1'")
                    .arg(parser.value(flightOption)));
    }
    for (const QString &name : parser.values(onlyOption).join(u',').split(u',', Qt::SkipEmptyParts)) {
        const std::optional<FindingKind> kind = findingKindFromName(name.trimmed());
        if (!kind)
            return badUsage(err, QStringLiteral("no lint is called '%1'").arg(name.trimmed()));
        options.only.push_back(*kind);
    }

    const QStringList files = parser.positionalArguments();
    const bool fromScenario = parser.isSet(scenarioOption);
    if (fromScenario == !files.isEmpty() || files.size() > 1)
        return badUsage(err, QStringLiteral("give one trace file, or --scenario ID"));
    std::unique_ptr<Trace> owned;
    std::unique_ptr<Run> run;
    const Trace *trace = nullptr;
    try {
        if (fromScenario) {
            const ScenarioRegistry registry;
            const QString id = parser.value(scenarioOption);
            const ScenarioParams params = registry.parseParams(id, parser.values(paramOption));
            run = registry.get(id).start(params);
            run->runToEnd();
            trace = &run->trace();
        } else {
            owned = std::move(TraceFileReader::open(files.front()).trace);
            trace = owned.get();
        }
    } catch (const std::exception &e) {
        err << "loopscope lint: " << e.what() << '\n';
        return 2;
    }
    const std::vector<Finding> findings = lintTrace(*trace, options);
    for (const Finding &f : findings) {
        out << findingKindName(f.kind) << " seq=" << f.seq << " t=" << formatDuration(f.timeNs);
        if (f.task != NoTask)
            out << " task=" << trace->taskName(f.task);
        out << ": " << f.message << '\n';
    }
    return findings.empty() ? 0 : 1;
}

} // namespace Loopscope
