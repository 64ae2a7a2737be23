// loopscope-bench load: a trace of 10,000,000 events saved in both forms of a .loopscope file, then
// opened in the window as a user opens it (File → Open: read, replayed to its end, drawn), each
// form timed in the same run: to the window drawn, and to the lints (Problems) that follow it.

#include "bench.h"
#include "benchtraces.h"
#include "benchutil.h"

#include "io/textexport.h"
#include "io/tracefilereader.h"
#include "io/tracefilewriter.h"
#include "panes/problemspane.h"
#include "run/runsession.h"
#include "window/filecommands.h"
#include "window/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>

using namespace Loopscope;

namespace {

struct Opened
{
    double readSeconds = 0;   //!< the file to a trace in memory
    double windowSeconds = 0; //!< File → Open to the window drawn at the trace's end
    double lintedSeconds = 0; //!< File → Open to the Problems pane filled in
    qint64 bytes = 0;
    qint64 events = 0;
    QString error;
};

Opened openInWindow(const QString &path)
{
    Opened result;
    result.bytes = QFileInfo(path).size();
    try {
        const auto readStart = Bench::Clock::now();
        result.events = TraceFileReader::open(path).trace->size();
        result.readSeconds = Bench::secondsSince(readStart);
    } catch (const std::exception &e) {
        result.error = QString::fromUtf8(e.what());
        return result;
    }
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    QApplication::processEvents();
    bool linted = false;
    QObject::connect(
        window.findChild<ProblemsPane *>(), &ProblemsPane::countChanged, [&linted] { linted = true; });
    const auto start = Bench::Clock::now();
    QString error;
    if (!window.files().openTrace(path, &error)) {
        result.error = error;
        return result;
    }
    QApplication::sendPostedEvents(); // layouts and repaints: what the window shows first
    const QImage frame = window.grab().toImage();
    result.windowSeconds = Bench::secondsSince(start);
    QElapsedTimer patience;
    patience.start();
    while (!linted && patience.elapsed() < 30'000)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    result.lintedSeconds = Bench::secondsSince(start);
    if (window.session().trace()->size() != result.events)
        result.error = QStringLiteral("the window shows %1 of %2 events")
                           .arg(window.session().trace()->size())
                           .arg(result.events);
    if (frame.isNull())
        result.error = QStringLiteral("the window did not draw");
    return result;
}

} // namespace

int benchLoad(const QStringList &args)
{
    QTextStream out(stdout);
    const qint64 wanted = Bench::intOption(args, QStringLiteral("--events"), 10'000'000);
    const bool json = !args.contains(QStringLiteral("--no-json"));
    QTemporaryDir dir;
    const auto makeStart = Bench::Clock::now();
    const auto scheduler = Bench::makeIoTrace(wanted);
    const Trace &trace = scheduler->trace();
    out << "load: " << trace.size() << " events of " << trace.taskCount() - 1 << " tasks, made in "
        << QString::number(Bench::secondsSince(makeStart), 'f', 2) << " s\n";
    out.flush();
    const TraceMetadata metadata
        = TraceMetadata::recordedNow(QStringLiteral("bench"), {}, ClockMode::Virtual);

    struct Form
    {
        QString name;
        TraceFileFormat format;
        QString file;
        double writeSeconds = 0;
        Opened opened;
    };
    QList<Form> forms { { QStringLiteral("binary"), TraceFileFormat::Binary, dir.filePath("t.loopscope") } };
    if (json)
        forms.append({ QStringLiteral("json-lines"), TraceFileFormat::JsonLines, dir.filePath("t.jsonl") });
    for (Form &form : forms) {
        const auto writeStart = Bench::Clock::now();
        TraceFileWriter::save(trace, metadata, form.file, form.format);
        form.writeSeconds = Bench::secondsSince(writeStart);
        form.opened = openInWindow(form.file);
        QFile::remove(form.file);
        const Opened &o = form.opened;
        out << QStringLiteral("  %1: %2 MB (%3 bytes an event), saved in %4 s, read in %5 s, open in the "
                              "window %6 s, linted %7 s%8\n")
                   .arg(form.name, -10)
                   .arg(double(o.bytes) / 1e6, 0, 'f', 0)
                   .arg(double(o.bytes) / double(std::max<qint64>(1, trace.size())), 0, 'f', 1)
                   .arg(form.writeSeconds, 0, 'f', 2)
                   .arg(o.readSeconds, 0, 'f', 2)
                   .arg(o.windowSeconds, 0, 'f', 2)
                   .arg(o.lintedSeconds, 0, 'f', 2)
                   .arg(o.error.isEmpty() ? QString() : QStringLiteral(" — ") + o.error);
        out.flush();
    }
    const Opened &binary = forms[0].opened;
    const auto perEvent
        = [&trace](const Opened &o) { return double(o.bytes) / double(std::max<qint64>(1, trace.size())); };
    out << QStringLiteral("RESULT load events=%1 bytes_per_event=%2 read_s=%3 window_s=%4 linted_s=%5 "
                          "goal_s=1.0 goal_bytes_per_event=32")
               .arg(trace.size())
               .arg(perEvent(binary), 0, 'f', 1)
               .arg(binary.readSeconds, 0, 'f', 3)
               .arg(binary.windowSeconds, 0, 'f', 3)
               .arg(binary.lintedSeconds, 0, 'f', 3);
    if (json) {
        const Opened &text = forms[1].opened;
        out << QStringLiteral(" json_bytes_per_event=%1 json_read_s=%2 json_window_s=%3")
                   .arg(perEvent(text), 0, 'f', 1)
                   .arg(text.readSeconds, 0, 'f', 3)
                   .arg(text.windowSeconds, 0, 'f', 3);
    }
    out << '\n';
    for (const Form &form : forms) {
        if (!form.opened.error.isEmpty())
            return 1;
    }
    return 0;
}
