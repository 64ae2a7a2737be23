#include "cli/tracecommand.h"

#include "analysis/awaittree.h"
#include "cli/terminationsignals.h"
#include "cli/tracetext.h"
#include "io/tracefilereader.h"
#include "io/tracefilewriter.h"
#include "record/pythonrecording.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QTextStream>

namespace Loopscope {

QString TraceCommandOptions::usage()
{
    return QStringLiteral(
        "usage: loopscope trace [--out FILE] [--no-window] [--cwd DIR] -- python3 SCRIPT.py [ARGS...]\n"
        "Records a Python asyncio program as it runs and draws its schedule live in the window.\n"
        "The program runs as it would on its own (same arguments, input, output and exit status).\n"
        "  --no-window   no window: write the trace to a file and print a summary\n"
        "  --out FILE    where --no-window writes the trace (default: SCRIPT.loopscope here)\n"
        "  --cwd DIR     run the program in DIR\n"
        "  --screenshot FILE  in the window: once the program has ended, save a picture of the window and "
        "exit\n"
        "  the program:  python3 [options] SCRIPT [ARGS], python3 -m MODULE [ARGS] or SCRIPT.py [ARGS]\n");
}

std::optional<TraceCommandOptions> TraceCommandOptions::parse(const QStringList &args, QString *error)
{
    TraceCommandOptions options;
    const auto failed = [error](const QString &why) -> std::optional<TraceCommandOptions> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    qsizetype i = 0;
    for (; i < args.size(); ++i) {
        const QString &arg = args[i];
        const auto value = [&]() -> std::optional<QString> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return args[++i];
        };
        if (arg == u"--") {
            ++i;
            break;
        }
        if (arg == u"-h" || arg == u"--help") {
            options.help = true;
        } else if (arg == u"--no-window") {
            options.noWindow = true;
        } else if (arg == u"--out" || arg == u"--cwd" || arg == u"--screenshot") {
            const std::optional<QString> given = value();
            if (!given)
                return failed(QStringLiteral("%1 needs a value").arg(arg));
            (arg == u"--out"          ? options.out
                    : arg == u"--cwd" ? options.workingDirectory
                                      : options.screenshot)
                = *given;
        } else if (arg.startsWith(u'-')) {
            return failed(QStringLiteral("unknown option '%1' (the program goes after --)").arg(arg));
        } else {
            break; // the program, without a -- before it
        }
    }
    options.program = args.mid(i);
    if (options.help)
        return options;
    if (options.program.isEmpty())
        return failed(
            QStringLiteral("which program? Write it after --, as in: loopscope trace -- python3 app.py"));
    if (!options.screenshot.isEmpty() && options.noWindow)
        return failed(QStringLiteral("--screenshot pictures the window: it does not go with --no-window"));
    if (!options.out.isEmpty() && !options.noWindow)
        return failed(
            QStringLiteral("--out goes with --no-window; in the window, File → Save Trace keeps it"));
    if (!options.workingDirectory.isEmpty() && !QFileInfo(options.workingDirectory).isDir())
        return failed(QStringLiteral("no such folder: %1").arg(options.workingDirectory));
    return options;
}

namespace {

QString defaultOutput(const PythonCommand &command)
{
    const QString stem
        = command.module.isEmpty() ? QFileInfo(command.script).completeBaseName() : command.module;
    return QDir::current().filePath(stem + QStringLiteral(".loopscope"));
}

} // namespace

int runTraceCommand(const TraceCommandOptions &options, QTextStream &err)
{
    QString error;
    const PythonCommand command = PythonCommand::parse(options.program, options.workingDirectory, &error);
    if (!command.isValid()) {
        err << "loopscope trace: " << error << '\n';
        return 2;
    }
    const QString out = options.out.isEmpty() ? defaultOutput(command) : options.out;
    PythonRecording recording(command);
    if (!recording.start(&error)) {
        err << "loopscope trace: " << error << '\n';
        return 2;
    }
    // Ctrl+C reaches the program too (it is in the same process group); a TERM sent to us alone
    // ends it as well. Either way the trace of what ran is kept.
    TerminationSignals termination;
    if (termination.notifier()) {
        QObject::connect(termination.notifier(), &QSocketNotifier::activated, &recording, [&] {
            termination.takeSignal();
            recording.stop();
        });
    }
    if (!recording.isDone()) {
        QEventLoop loop;
        QObject::connect(&recording, &PythonRecording::done, &loop, &QEventLoop::quit);
        loop.exec();
    }
    const Trace &trace = recording.trace();
    TraceMetadata metadata = TraceMetadata::recordedNow(QString(), {}, ClockMode::Real);
    metadata.program = command.display();
    metadata.sourceFile = recording.info().script.isEmpty() ? command.scriptPath() : recording.info().script;
    err.flush();
    try {
        TraceFileWriter::save(trace, metadata, out);
    } catch (const std::exception &e) {
        err << "loopscope trace: could not save the trace to " << out << ": " << e.what() << '\n';
        return recording.exitCode() != 0 ? recording.exitCode() : 1;
    }
    if (!recording.streamError().isEmpty())
        err << "loopscope trace: the recording broke off: " << recording.streamError() << '\n';
    const qint64 tasks = trace.taskCount() > 0 ? trace.taskCount() - 1 : 0;
    err << "loopscope trace: " << command.display() << ' ' << recording.outcome() << "; " << trace.size()
        << " events of " << tasks << " tasks recorded in " << QDir::toNativeSeparators(out) << '\n';
    return recording.exitCode();
}

int runShowCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString usage = QStringLiteral(
        "usage: loopscope show TRACE.loopscope [--tasks] [--tree [--at SEQ]]\n"
        "Prints a saved trace, one event a line (as 'loopscope run' does).\n"
        "  --tasks      then every task: its state, time running and waiting, outcome\n"
        "  --tree       instead, who awaits whom at the end (or after event SEQ with --at)\n");
    QStringList files;
    bool tasks = false;
    bool tree = false;
    std::optional<SeqNo> at;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args[i];
        if (arg == u"-h" || arg == u"--help") {
            out << usage;
            return 0;
        }
        if (arg == u"--tasks") {
            tasks = true;
        } else if (arg == u"--tree") {
            tree = true;
        } else if (arg == u"--at") {
            bool ok = false;
            const qlonglong seq = i + 1 < args.size() ? args[++i].toLongLong(&ok) : -1;
            if (!ok || seq < 0) {
                err << "loopscope show: --at needs an event number (the #N 'loopscope show' prints)\n"
                    << usage;
                return 2;
            }
            at = static_cast<SeqNo>(seq);
        } else if (arg.startsWith(u'-')) {
            err << "loopscope show: unknown option '" << arg << "'\n" << usage;
            return 2;
        } else
            files << arg;
    }
    if (files.size() != 1) {
        err << "loopscope show: give one trace file\n" << usage;
        return 2;
    }
    if (at && !tree) {
        err << "loopscope show: --at goes with --tree\n" << usage;
        return 2;
    }
    LoadedTrace loaded;
    try {
        loaded = TraceFileReader::open(files.front());
    } catch (const std::exception &e) {
        err << "loopscope show: " << e.what() << '\n';
        return 1;
    }
    if (!loaded.metadata.program.isEmpty())
        out << "# " << loaded.metadata.program << '\n';
    if (tree) {
        const Trace &trace = *loaded.trace;
        const SeqNo seq = at.value_or(trace.isEmpty() ? 0 : trace.last().seq);
        if (at && trace.indexOfSeq(seq) < 0) {
            err << "loopscope show: the trace has no event #" << seq << " (it has #" << trace.firstSeq()
                << " to #" << (trace.nextSeq() > 0 ? trace.nextSeq() - 1 : 0) << ")\n";
            return 2;
        }
        out << formatAwaitTree(trace, awaitTree(trace, seq));
        return 0;
    }
    printTrace(*loaded.trace, out);
    if (tasks)
        printTasks(*loaded.trace, out);
    return 0;
}

} // namespace Loopscope
