#include "window/launchoptions.h"

#include "cli/liveprograms.h"
#include "scheduler/errors.h"

namespace Loopscope {

namespace {

enum class QtOption { None, Flag, WithValue };

//! Whether `argument` is one of the options QGuiApplication and QApplication read themselves
//! ("-platform offscreen", "--style=fusion"...): they reach the application, not us.
QtOption qtOption(const QString &argument)
{
    static const QStringList withValue { QStringLiteral("platform"), QStringLiteral("platformpluginpath"),
        QStringLiteral("platformtheme"), QStringLiteral("plugin"), QStringLiteral("qmljsdebugger"),
        QStringLiteral("qwindowgeometry"), QStringLiteral("qwindowicon"), QStringLiteral("qwindowtitle"),
        QStringLiteral("session"), QStringLiteral("display"), QStringLiteral("geometry"),
        QStringLiteral("style"), QStringLiteral("stylesheet") };
    static const QStringList flags { QStringLiteral("reverse"), QStringLiteral("widgetcount") };
    if (!argument.startsWith(u'-'))
        return QtOption::None;
    QString name = argument.mid(argument.startsWith(QLatin1StringView("--")) ? 2 : 1);
    if (name.contains(u'='))
        return withValue.contains(name.section(u'=', 0, 0)) ? QtOption::Flag : QtOption::None;
    if (withValue.contains(name))
        return QtOption::WithValue;
    return flags.contains(name) ? QtOption::Flag : QtOption::None;
}

} // namespace

QString LaunchOptions::usage()
{
    return QStringLiteral(
        "usage: loopscope [--scenario ID] [--param KEY=VALUE]... [--steps N] [--screenshot "
        "FILE.png] [--listen [ADDRESS]] [TRACE.loopscope]\n"
        "       loopscope <command> [options]     (commands: list, run, fetch, merge, serve, "
        "export, trace, show, lint; see 'loopscope <command> --help')\n"
        "       loopscope --version\n"
        "\n"
        "Opens the Loopscope window on a scenario (by default two-coroutines).\n"
        "  --scenario ID        the scenario to open ('loopscope list' shows them)\n"
        "  --param KEY=VALUE    a scenario parameter; repeat for several\n"
        "  --steps N            take N scheduling steps before showing the window\n"
        "  --screenshot FILE    save a picture of the window to FILE (PNG) and exit\n"
        "  --listen [ADDRESS]   draw programs that stream their traces (LOOPSCOPE_LIVE=ADDRESS) as they\n"
        "                       run: 127.0.0.1:PORT (default 127.0.0.1:7788), [::1]:PORT or a Unix socket "
        "path\n"
        "  TRACE.loopscope      open a saved trace instead of a scenario\n");
}

LaunchOptions LaunchOptions::parse(const QStringList &arguments)
{
    LaunchOptions options;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        if (const QtOption qt = qtOption(argument); qt != QtOption::None) {
            if (qt == QtOption::WithValue)
                ++i; // Qt reads the value
            continue;
        }
        QString name = argument;
        QString value;
        bool hasValue = false;
        if (argument.startsWith(QLatin1StringView("--")) && argument.contains(u'=')) {
            name = argument.section(u'=', 0, 0);
            value = argument.section(u'=', 1);
            hasValue = true;
        }
        const auto takeValue = [&]() -> QString {
            if (hasValue)
                return value;
            if (i + 1 >= arguments.size())
                throw Error(QStringLiteral("%1 needs a value").arg(name));
            return arguments[++i];
        };
        if (name == QLatin1StringView("--help") || name == QLatin1StringView("-h")) {
            options.help = true;
        } else if (name == QLatin1StringView("--version")) {
            options.version = true;
        } else if (name == QLatin1StringView("--scenario")) {
            options.scenarioId = takeValue();
        } else if (name == QLatin1StringView("--param")) {
            const QString assignment = takeValue();
            if (!assignment.contains(u'='))
                throw Error(QStringLiteral("--param expects KEY=VALUE, got '%1'").arg(assignment));
            options.parameters << assignment;
        } else if (name == QLatin1StringView("--steps")) {
            const QString text = takeValue();
            bool ok = false;
            options.steps = text.toLongLong(&ok);
            if (!ok || options.steps < 0)
                throw Error(QStringLiteral("--steps expects a whole number of steps (0 or more), got '%1'")
                                .arg(text));
        } else if (name == QLatin1StringView("--listen")) {
            // The address is optional: the next argument is one when it looks like an address.
            const bool next = i + 1 < arguments.size() && !arguments[i + 1].startsWith(u'-')
                && (arguments[i + 1].contains(u':') || arguments[i + 1].contains(u'/'))
                && !arguments[i + 1].endsWith(QLatin1StringView(".loopscope"));
            options.listen = hasValue ? value : next ? arguments[++i] : QString(LiveListener::DefaultAddress);
            if (options.listen.isEmpty())
                throw Error(QStringLiteral("--listen needs an address, or none for %1")
                                .arg(LiveListener::DefaultAddress));
        } else if (name == QLatin1StringView("--screenshot")) {
            options.screenshot = takeValue();
            if (options.screenshot.isEmpty())
                throw Error(QStringLiteral("--screenshot needs a file name"));
        } else if (argument.startsWith(u'-')) {
            throw Error(QStringLiteral("unknown option '%1'; try 'loopscope --help'").arg(argument));
        } else if (options.traceFile.isEmpty()) {
            options.traceFile = argument;
        } else {
            throw Error(QStringLiteral("unexpected argument '%1'; loopscope opens one trace file at a time")
                            .arg(argument));
        }
    }
    if (!options.traceFile.isEmpty() && !options.scenarioId.isEmpty())
        throw Error(QStringLiteral("give either --scenario or a trace file, not both"));
    if (!options.traceFile.isEmpty() && !options.parameters.isEmpty())
        throw Error(QStringLiteral("--param applies to scenarios, not to a trace file"));
    return options;
}

} // namespace Loopscope
