// loopscope: with a subcommand as first argument, a command-line tool (no QApplication, so no
// display needed); otherwise the desktop app.
#include "cli/eventdispatcher.h"
#include "cli/fetchcommand.h"
#include "cli/lintcommand.h"
#include "cli/listcommand.h"
#include "cli/mergecommand.h"
#include "cli/runcommand.h"
#include "cli/runtimedirectory.h"
#include "cli/servecommand.h"
#include "cli/tracecommand.h"
#include "export/exportcommand.h"
#include "window/desktopapp.h"

#include <cstring>
#include <QCoreApplication>
#include <QTextStream>

namespace {

using TextCommand = int (*)(const QStringList &args, QTextStream &out, QTextStream &err);
using ProgramCommand = int (*)(int argc, char *argv[]);

//! Runs a text command in a QCoreApplication with the arguments after the subcommand's name.
template<TextCommand command>
int inCoreApplication(int argc, char *argv[])
{
    Loopscope::installCommandLineEventDispatcher();
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    return command(app.arguments().mid(2), out, err);
}

//! `loopscope trace`: headless in a QCoreApplication with --no-window, else in the window.
int traceMain(int argc, char *argv[])
{
    QStringList args;
    for (int i = 2; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    QString error;
    const std::optional<Loopscope::TraceCommandOptions> options
        = Loopscope::TraceCommandOptions::parse(args, &error);
    QTextStream err(stderr);
    if (!options) {
        err << "loopscope trace: " << error << '\n' << Loopscope::TraceCommandOptions::usage();
        return 2;
    }
    if (options->help) {
        QTextStream(stdout) << Loopscope::TraceCommandOptions::usage();
        return 0;
    }
    if (options->noWindow) {
        Loopscope::installCommandLineEventDispatcher();
        QCoreApplication app(argc, argv);
        return Loopscope::runTraceCommand(*options, err);
    }
    return Loopscope::runDesktopAppTracing(argc, argv, *options);
}

struct Subcommand
{
    const char *name;
    ProgramCommand run; //!< gets the whole command line (argv[1] is the subcommand's name)
};

// One line per subcommand.
constexpr Subcommand subcommands[] = {
    { "serve", inCoreApplication<Loopscope::runServeCommand> },
    { "list", inCoreApplication<Loopscope::runListCommand> },
    { "run", inCoreApplication<Loopscope::runRunCommand> },
    { "fetch", inCoreApplication<Loopscope::runFetchCommand> },
    { "export", Loopscope::runExportMain }, // pictures need a (offscreen) QGuiApplication
    { "show", inCoreApplication<Loopscope::runShowCommand> },
    { "lint", inCoreApplication<Loopscope::runLintCommand> },
    { "merge", inCoreApplication<Loopscope::runMergeCommand> },
    { "trace", traceMain },
};

} // namespace

int main(int argc, char *argv[])
{
    Loopscope::providePrivateRuntimeDirectory();
    if (argc >= 2) {
        for (const Subcommand &command : subcommands) {
            if (std::strcmp(argv[1], command.name) == 0)
                return command.run(argc, argv);
        }
    }
    return Loopscope::runDesktopApp(argc, argv);
}
