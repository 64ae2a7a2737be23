// `loopscope trace` end to end: the Python programs of tests/python, recorded by the real binary
// with the real recorder and interpreter, their traces read back and checked event by event (order,
// kinds, task names, wait labels, the program's source lines), against what the programs printed.
// Source lines are looked up in the programs' text, so that editing a program's docstring does not
// break a test. No check depends on how fast the machine is.
#include "analysis/lints.h"
#include "cli/liveprograms.h"
#include "io/tracefilereader.h"
#include "net/demoserver.h"
#include "trace/trace.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <csignal>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

using namespace Loopscope;

namespace {

const QString Binary = QStringLiteral(LOOPSCOPE_BINARY);
const QString ProgramsDir = QStringLiteral(PYTHON_TESTS_DIR);
const QString Recorder = QStringLiteral(RECORDER_PY);
constexpr int TimeoutMs = 60'000;

//! Whether `process` has ended, waiting for it at most TimeoutMs (it may have ended already).
bool hasEnded(QProcess &process)
{
    return process.state() == QProcess::NotRunning || process.waitForFinished(TimeoutMs);
}

QString programPath(const QString &program)
{
    return ProgramsDir + u'/' + program;
}

//! One run of `loopscope trace`: how it ended, what it printed and the trace it saved.
struct Traced
{
    bool finished = false; //!< within TimeoutMs
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
    QString file;
    LoadedTrace loaded;
    QString loadError;

    const Trace &trace() const { return *loaded.trace; }
    QStringList outLines() const { return QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts); }
};

//! Runs `loopscope ARGS` in `dir` while serving this thread's event loop (an in-process demo API
//! answers meanwhile). `watch` sees the standard output so far each time more arrives.
void runLoopscope(const QStringList &args, const QString &dir, Traced &run,
    const std::function<void(QProcess &, const QByteArray &)> &watch = {})
{
    QProcess process;
    process.setWorkingDirectory(dir);
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::errorOccurred, &loop, [&](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            loop.quit();
    });
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &loop, [&] {
        run.out += process.readAllStandardOutput();
        if (watch)
            watch(process, run.out);
    });
    QObject::connect(&process, &QProcess::readyReadStandardError, &loop,
        [&] { run.err += process.readAllStandardError(); });
    process.start(Binary, args);
    timeout.start(TimeoutMs);
    loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5000);
        return;
    }
    run.out += process.readAllStandardOutput();
    run.err += process.readAllStandardError();
    run.finished = process.error() != QProcess::FailedToStart;
    run.exitCode = process.exitCode();
    run.exitStatus = process.exitStatus();
}

QString who(const Trace &trace, TaskId id)
{
    return id == NoTask ? QStringLiteral("loop") : trace.taskName(id);
}

/*!
 * An event as one short line: "sleeper 3: task_suspended timer #2 [sleep 0.1 s] @10" (task, kind,
 * wait, the task or timer it refers to, label, source line). Left out: times and durations, I/O ids
 * (checked by inconsistency()), the label of a created task (its name says it), everything but
 * the task of a resumption (resumptionsSayWhatEndedTheirWait checks those) and the label of a wait
 * for a task that the trace names (awaitedTasksAreCalledByTheirTraceNames checks it).
 */
QString brief(const Trace &trace, const TraceEvent &e)
{
    QString text = who(trace, e.task) + QStringLiteral(": ") + QString(eventKindName(e.kind));
    if (e.kind == EventKind::TaskResumed)
        return text;
    if (e.wait() != WaitKind::Other)
        text += u' ' + QString(waitKindName(e.wait()));
    const bool awaitsTask
        = e.kind == EventKind::TaskSuspended && e.wait() == WaitKind::Task && e.other != NoTask;
    switch (e.kind) {
    case EventKind::TaskCreated:
        if (e.other != NoTask)
            text += QStringLiteral(" by ") + who(trace, e.other);
        break;
    case EventKind::TimerArmed:
    case EventKind::TimerFired:
        text += QStringLiteral(" #%1").arg(e.other);
        break;
    case EventKind::TaskSuspended:
        if (awaitsTask)
            text += QStringLiteral(" -> ") + who(trace, e.other);
        else if (e.wait() == WaitKind::Timer)
            text += QStringLiteral(" #%1").arg(e.other);
        break;
    default:
        break;
    }
    if (eventKindHasLabel(e.kind) && e.kind != EventKind::TaskCreated && !awaitsTask) {
        const QString &label = trace.labels().text(e.detail);
        if (!label.isEmpty())
            text += QStringLiteral(" [%1]").arg(label);
    }
    if (e.line != 0)
        text += QStringLiteral(" @%1").arg(e.line);
    return text;
}

//! Every event but the loop's waits (how often the loop waits for a timer depends on the clock).
QStringList briefs(const Trace &trace)
{
    QStringList list;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        if (e.kind != EventKind::LoopWaiting)
            list << brief(trace, e);
    }
    return list;
}

//! The events of one task (its messages left out), in order.
QStringList briefsOf(const Trace &trace, TaskId task)
{
    QStringList list;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        if (e.task == task && e.kind != EventKind::Message)
            list << brief(trace, e);
    }
    return list;
}

QStringList lastBriefs(const Trace &trace, qsizetype count)
{
    const QStringList all = briefs(trace);
    return all.mid(all.size() - count);
}

//! Empty when `expected` occurs in `actual` in this order (other events may come between).
QString notInOrder(const QStringList &actual, const QStringList &expected)
{
    qsizetype at = 0;
    for (const QString &item : expected) {
        while (at < actual.size() && actual[at] != item)
            ++at;
        if (at == actual.size())
            return QStringLiteral("\"%1\" is missing or out of order in:\n  %2")
                .arg(item, actual.join("\n  "));
        ++at;
    }
    return {};
}

QString listsDiffer(const QStringList &actual, const QStringList &expected)
{
    if (actual == expected)
        return {};
    return QStringLiteral("seen:\n  %1\nexpected:\n  %2").arg(actual.join("\n  "), expected.join("\n  "));
}

TaskId taskNamed(const Trace &trace, const QString &name)
{
    for (TaskId id = 1; id < trace.taskCount(); ++id) {
        if (trace.taskName(id) == name)
            return id;
    }
    return NoTask;
}

QList<TaskId> tasksNamedLike(const Trace &trace, const QRegularExpression &name)
{
    QList<TaskId> ids;
    for (TaskId id = 1; id < trace.taskCount(); ++id) {
        if (name.match(trace.taskName(id)).hasMatch())
            ids << id;
    }
    return ids;
}

//! Index of the first event of `kind` for `task` at or after `from`, or -1.
qsizetype indexOf(const Trace &trace, TaskId task, EventKind kind, qsizetype from = 0)
{
    for (qsizetype i = from; i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        if (e.task == task && e.kind == kind)
            return i;
    }
    return -1;
}

/*!
 * What breaks the rules every recording keeps, or an empty string: a task is created, starts,
 * then suspends and resumes in turn until it ends, one task runs at a time and the loop waits only
 * when none runs; an I/O operation is submitted by a running task and completed (with its label
 * and ": done") for it while it waits; a timer fires once, after it was armed; a slow step follows
 * the end of its step.
 */
QString inconsistency(const Trace &trace)
{
    enum class State { Unborn, Created, Running, Waiting, Done };
    std::vector<State> state(trace.taskCount() + 1, State::Unborn);
    TaskId running = NoTask;
    std::map<std::uint32_t, std::pair<TaskId, QString>> io;
    std::set<std::uint32_t> timers;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        const QString where = QStringLiteral("event %1 (%2): ").arg(i).arg(brief(trace, e));
        if (e.task >= state.size())
            return where + QStringLiteral("an undeclared task");
        State &s = state[e.task];
        switch (e.kind) {
        case EventKind::TaskCreated:
            if (s != State::Unborn)
                return where + QStringLiteral("created twice");
            s = State::Created;
            break;
        case EventKind::TaskStarted:
        case EventKind::TaskResumed:
            if (s != (e.kind == EventKind::TaskStarted ? State::Created : State::Waiting))
                return where + QStringLiteral("the task was not ready for it");
            if (running != NoTask)
                return where + QStringLiteral("while %1 runs").arg(who(trace, running));
            s = State::Running;
            running = e.task;
            break;
        case EventKind::TaskSuspended:
        case EventKind::TaskReturned:
        case EventKind::TaskFailed:
        case EventKind::TaskCancelled:
            if (s != State::Running)
                return where + QStringLiteral("the task was not running");
            s = e.kind == EventKind::TaskSuspended ? State::Waiting : State::Done;
            running = NoTask;
            break;
        case EventKind::IoSubmitted:
            if (s != State::Running)
                return where + QStringLiteral("submitted by a task that is not running");
            if (!io.emplace(e.other, std::pair(e.task, trace.labels().text(e.detail))).second)
                return where + QStringLiteral("I/O id used twice");
            break;
        case EventKind::IoCompleted:
        case EventKind::IoFailed: {
            const auto it = io.find(e.other);
            if (it == io.end())
                return where + QStringLiteral("I/O never submitted");
            if (it->second.first != e.task)
                return where + QStringLiteral("I/O submitted by %1").arg(who(trace, it->second.first));
            if (e.kind == EventKind::IoCompleted
                && trace.labels().text(e.detail) != it->second.second + QStringLiteral(": done"))
                return where + QStringLiteral("completes I/O [%1]").arg(it->second.second);
            if (s != State::Waiting)
                return where + QStringLiteral("completed for a task that is not waiting");
            io.erase(it);
            break;
        }
        case EventKind::TimerArmed:
            if (s != State::Running)
                return where + QStringLiteral("armed by a task that is not running");
            if (!timers.insert(e.other).second)
                return where + QStringLiteral("timer id used twice");
            break;
        case EventKind::TimerFired:
            if (timers.erase(e.other) != 1)
                return where + QStringLiteral("a timer not armed (or fired already)");
            break;
        case EventKind::SlowStep: {
            if (i == 0 || trace.at(i - 1).task != e.task || s == State::Running || s == State::Created)
                return where + QStringLiteral("not right after the end of its step");
            break;
        }
        case EventKind::LoopWaiting:
            if (running != NoTask)
                return where + QStringLiteral("while %1 runs").arg(who(trace, running));
            break;
        default:
            break;
        }
    }
    return {};
}

//! How many steps `task` began up to the event at `index` (that one included).
int stepsUntil(const Trace &trace, TaskId task, qsizetype index)
{
    int steps = 0;
    for (qsizetype i = 0; i <= index && i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        if (e.task == task && (e.kind == EventKind::TaskStarted || e.kind == EventKind::TaskResumed))
            ++steps;
    }
    return steps;
}

//! Who printed a line: a task and which of its steps (1: the first; 0: any one), or NoTask for a
//! line printed outside the loop. Nothing: a line the program should not print.
struct Printer
{
    TaskId task = NoTask;
    int step = 0;
};

/*!
 * Whether the program's printed lines could have come in the order the trace ran the tasks' steps:
 * the steps `printer` names must come in the trace in the order their lines were printed (for a
 * line of any step, the earliest step of its task that keeps the order). Empty when they do.
 */
QString printsOutOfOrder(const Trace &trace, const QStringList &lines,
    const std::function<std::optional<Printer>(const QString &)> &printer)
{
    struct Step
    {
        TaskId task;
        int number;
    };
    std::vector<Step> steps;
    std::map<TaskId, int> counts;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        if (e.kind == EventKind::TaskStarted || e.kind == EventKind::TaskResumed)
            steps.push_back(Step { e.task, ++counts[e.task] });
    }
    std::size_t at = 0;
    for (const QString &line : lines) {
        const std::optional<Printer> by = printer(line);
        if (!by)
            return QStringLiteral("unexpected output: \"%1\"").arg(line);
        if (by->task == NoTask)
            continue;
        const auto matches = [&](const Step &step) {
            return step.task == by->task && (by->step == 0 || step.number == by->step);
        };
        std::size_t found = at;
        while (found < steps.size() && !matches(steps[found]))
            ++found;
        if (found == steps.size()) {
            const bool exists = std::any_of(steps.begin(), steps.end(), matches);
            return QStringLiteral("\"%1\" (printed in step %2 of %3) %4")
                .arg(line, by->step == 0 ? QStringLiteral("any") : QString::number(by->step),
                    who(trace, by->task),
                    exists ? QStringLiteral("was printed before a line the trace puts after it")
                           : QStringLiteral("has no such step in the trace"));
        }
        at = found;
    }
    return {};
}

//! The 1-based line of `program` holding `text`: the only one, or the first after the line that
//! holds `after`. 0 when there is none (or more than one).
int lineOf(const QString &program, const QString &text, const QString &after = {})
{
    QFile file(programPath(program));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    qsizetype from = 0;
    if (!after.isEmpty()) {
        while (from < lines.size() && !lines[from].contains(after))
            ++from;
        for (qsizetype i = from + 1; i < lines.size(); ++i) {
            if (lines[i].contains(text))
                return int(i + 1);
        }
        return 0;
    }
    int found = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].contains(text)) {
            if (found != 0)
                return 0;
            found = int(i + 1);
        }
    }
    return found;
}

} // namespace

#define FIND_LINE(var, program, ...)                                                                         \
    const int var = lineOf(program, __VA_ARGS__);                                                            \
    QVERIFY2(var > 0,                                                                                        \
        qPrintable(QStringLiteral("no single line of %1 holds what " #var " looks for").arg(program)))

#define VERIFY_EMPTY(text)                                                                                   \
    do {                                                                                                     \
        const QString problem = (text);                                                                      \
        QVERIFY2(problem.isEmpty(), qPrintable(problem));                                                    \
    } while (false)

//! The run finished with `status`, said so, and left a well-formed trace of `program ARGS`.
#define VERIFY_RECORDED(run, program, args, status, outcome)                                                 \
    do {                                                                                                     \
        QVERIFY2((run).finished, "loopscope trace did not start, or not finish within a minute");            \
        QCOMPARE((run).exitStatus, QProcess::NormalExit);                                                    \
        QVERIFY2((run).exitCode == (status),                                                                 \
            qPrintable(QStringLiteral("exit status %1, stderr:\n%2")                                         \
                           .arg((run).exitCode)                                                              \
                           .arg(QString::fromUtf8((run).err))));                                             \
        QVERIFY2((run).loadError.isEmpty(), qPrintable((run).loadError));                                    \
        QVERIFY2((run).loaded.trace, "no trace was saved");                                                  \
        const QString command                                                                                \
            = (QStringList { QStringLiteral("python3"), programPath(program) } + (args)).join(u' ');         \
        QCOMPARE((run).loaded.metadata.program, command);                                                    \
        QCOMPARE((run).loaded.metadata.sourceFile, programPath(program));                                    \
        const QString summary = QStringLiteral("loopscope trace: %1 %2; %3 events of ")                      \
                                    .arg(command, QStringLiteral(outcome))                                   \
                                    .arg((run).trace().size());                                              \
        QVERIFY2(QString::fromUtf8((run).err).contains(summary),                                             \
            qPrintable(                                                                                      \
                QStringLiteral("no \"%1\" in stderr:\n%2").arg(summary, QString::fromUtf8((run).err))));     \
        VERIFY_EMPTY(inconsistency((run).trace()));                                                          \
    } while (false)

class TestPyTrace : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_runs = 0;
    std::map<QString, std::unique_ptr<Traced>> m_traced;

    //! Records `program ARGS` (see runLoopscope()) into a file of its own.
    void record(const QString &program, const QStringList &args, Traced &run,
        const std::function<void(QProcess &, const QByteArray &)> &watch = {})
    {
        run.file = m_dir.filePath(
            QStringLiteral("%1-%2.loopscope").arg(QFileInfo(program).baseName()).arg(++m_runs));
        QStringList words { QStringLiteral("trace"), QStringLiteral("--no-window"), QStringLiteral("--out"),
            run.file, QStringLiteral("--"), QStringLiteral("python3"), programPath(program) };
        runLoopscope(words + args, m_dir.path(), run, watch);
        if (!QFileInfo::exists(run.file))
            return;
        try {
            run.loaded = TraceFileReader::open(run.file);
        } catch (const std::exception &e) {
            run.loadError = QString::fromUtf8(e.what());
        }
    }

    //! `program ARGS` recorded once for the tests that look at it.
    const Traced &traced(const QString &program, const QStringList &args = {})
    {
        std::unique_ptr<Traced> &run = m_traced[(QStringList { program } + args).join(u' ')];
        if (!run) {
            run = std::make_unique<Traced>();
            record(program, args, *run);
        }
        return *run;
    }

    //! Starts the recorder on its own (`python3 loopscope_record.py PROGRAM`, not under `loopscope
    //! trace`) with `variables` set, as a user who streams to a window or a file does.
    void startRecorder(QProcess &process, const QString &program, const QMap<QString, QString> &variables)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (auto it = variables.begin(); it != variables.end(); ++it)
            environment.insert(it.key(), it.value());
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(m_dir.path());
        process.start(QStringLiteral("python3"), { Recorder, programPath(program) });
    }

    //! A listener that keeps the last program that connected in `program`.
    static std::unique_ptr<LiveListener> listenFor(
        const QString &address, std::shared_ptr<LiveProgram> &program)
    {
        auto listener = std::make_unique<LiveListener>(address);
        QObject::connect(listener.get(), &LiveListener::programConnected, listener.get(),
            [&program](std::shared_ptr<LiveProgram> connected) { program = std::move(connected); });
        return listener;
    }

    //! `loopscope trace --no-window --out FILE -- WORDS`, which must refuse to start (status 2).
    void verifyRefused(const QStringList &words, const QString &message)
    {
        Traced run;
        run.file = m_dir.filePath(QStringLiteral("refused-%1.loopscope").arg(++m_runs));
        runLoopscope(QStringList { QStringLiteral("trace"), QStringLiteral("--no-window"),
                         QStringLiteral("--out"), run.file, QStringLiteral("--") }
                + words,
            m_dir.path(), run);
        QVERIFY(run.finished);
        QCOMPARE(run.exitStatus, QProcess::NormalExit);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(QString::fromUtf8(run.err), QStringLiteral("loopscope trace: %1\n").arg(message));
        QCOMPARE(run.out, QByteArray());
        QVERIFY(!QFileInfo::exists(run.file));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(Binary).isExecutable(), qPrintable(Binary));
        QVERIFY2(
            QFileInfo::exists(programPath(QStringLiteral("staggered_sleeps.py"))), qPrintable(ProgramsDir));
    }

    void twoCoroutinesAwaitTheirReadsAtOnce()
    {
        const QString program = QStringLiteral("two_coroutines.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(connectLine, program, QStringLiteral("await asyncio.open_connection("));
        FIND_LINE(replyLine, program, QStringLiteral("reply = await reader.readline()"));
        FIND_LINE(requestLine, program, QStringLiteral("request = await reader.readline()"));
        FIND_LINE(answerSleepLine, program, QStringLiteral("await asyncio.sleep(0.1)"));
        FIND_LINE(resultsLine, program, QStringLiteral("await first, await second"));

        // What the program printed: its server's port, the port each client connected from.
        const QStringList out = run.outLines();
        QCOMPARE(out.size(), 6);
        const QRegularExpressionMatch listening
            = QRegularExpression(QStringLiteral("^server listening on port (\\d+)$")).match(out[0]);
        QVERIFY2(listening.hasMatch(), qPrintable(out[0]));
        const QString serverPort = listening.captured(1);
        std::map<QString, QString> clientPorts;
        for (const QString &line : out.mid(1, 2)) {
            const QRegularExpressionMatch connected
                = QRegularExpression(QStringLiteral("^([AB]) connected from port (\\d+)$")).match(line);
            QVERIFY2(connected.hasMatch(), qPrintable(line));
            clientPorts[connected.captured(1)] = connected.captured(2);
        }
        QCOMPARE(clientPorts.size(), std::size_t(2));
        QStringList replies = out.mid(3, 2);
        replies.sort();
        QCOMPARE(replies, (QStringList { "A read 'hello A'", "B read 'hello B'" }));
        QCOMPARE(out[5], QStringLiteral("results hello A hello B"));

        const TaskId main = taskNamed(trace, QStringLiteral("main 1"));
        QVERIFY(main != NoTask);
        const QString read = QStringLiteral("read 127.0.0.1:%1").arg(serverPort);
        std::map<QString, qsizetype> readSubmitted, readCompleted;
        for (const QString &name : { QStringLiteral("A"), QStringLiteral("B") }) {
            const QString task = QStringLiteral("client ") + name;
            const TaskId id = taskNamed(trace, task);
            QVERIFY2(id != NoTask, qPrintable(task));
            QCOMPARE(trace.task(id).parent, main);
            VERIFY_EMPTY(notInOrder(briefsOf(trace, id),
                {
                    task + QStringLiteral(": task_created by main 1"),
                    task + QStringLiteral(": task_started"),
                    task + QStringLiteral(": io_submitted [sock_connect] @%1").arg(connectLine),
                    task + QStringLiteral(": task_suspended io [sock_connect] @%1").arg(connectLine),
                    task + QStringLiteral(": io_completed [sock_connect: done]"),
                    task + QStringLiteral(": task_resumed"),
                    task + QStringLiteral(": io_submitted [%1] @%2").arg(read).arg(replyLine),
                    task + QStringLiteral(": task_suspended io [%1] @%2").arg(read).arg(replyLine),
                    task + QStringLiteral(": io_completed [%1: done]").arg(read),
                    task + QStringLiteral(": task_resumed"),
                    task + QStringLiteral(": task_returned ['hello %1']").arg(name),
                }));
            readSubmitted[name]
                = indexOf(trace, id, EventKind::IoSubmitted, indexOf(trace, id, EventKind::IoCompleted));
            readCompleted[name] = indexOf(trace, id, EventKind::IoCompleted, readSubmitted[name]);
        }
        // Both clients wait on their reads at once: each read is submitted before either completes.
        QVERIFY(std::max(readSubmitted["A"], readSubmitted["B"])
            < std::min(readCompleted["A"], readCompleted["B"]));

        // The server's side: a task per connection, created by the server's callback (no parent), that
        // reads the request from the port the client printed, then sleeps.
        const QList<TaskId> answers
            = tasksNamedLike(trace, QRegularExpression(QStringLiteral("^answer \\d+$")));
        QCOMPARE(answers.size(), 2);
        std::set<QString> peers;
        std::vector<qsizetype> armed, fired;
        for (const TaskId id : answers) {
            const QString task = trace.taskName(id);
            QCOMPARE(trace.task(id).parent, NoTask);
            const qsizetype submitted = indexOf(trace, id, EventKind::IoSubmitted);
            QVERIFY(submitted >= 0);
            const QString label = trace.labels().text(trace.at(submitted).detail);
            const QRegularExpressionMatch peer
                = QRegularExpression(QStringLiteral("^read 127\\.0\\.0\\.1:(\\d+)$")).match(label);
            QVERIFY2(peer.hasMatch(), qPrintable(label));
            peers.insert(peer.captured(1));
            armed.push_back(indexOf(trace, id, EventKind::TimerArmed));
            fired.push_back(indexOf(trace, id, EventKind::TimerFired));
            QVERIFY(armed.back() >= 0);
            const std::uint32_t timer = trace.at(armed.back()).other;
            VERIFY_EMPTY(listsDiffer(briefsOf(trace, id).mid(0, 10),
                {
                    task + QStringLiteral(": task_created"),
                    task + QStringLiteral(": task_started"),
                    task + QStringLiteral(": io_submitted [%1] @%2").arg(label).arg(requestLine),
                    task + QStringLiteral(": task_suspended io [%1] @%2").arg(label).arg(requestLine),
                    task + QStringLiteral(": io_completed [%1: done]").arg(label),
                    task + QStringLiteral(": task_resumed"),
                    task + QStringLiteral(": timer_armed #%1").arg(timer),
                    task
                        + QStringLiteral(": task_suspended timer #%1 [sleep 0.1 s] @%2")
                              .arg(timer)
                              .arg(answerSleepLine),
                    task + QStringLiteral(": timer_fired #%1").arg(timer),
                    task + QStringLiteral(": task_resumed"),
                }));
            QVERIFY(briefsOf(trace, id).endsWith(task + QStringLiteral(": task_returned")));
        }
        QCOMPARE(peers, (std::set<QString> { clientPorts["A"], clientPorts["B"] }));
        QVERIFY(std::max(armed[0], armed[1]) < std::min(fired[0], fired[1])); // both sleep at once

        VERIFY_EMPTY(notInOrder(briefsOf(trace, main),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: task_suspended task -> client A @%1").arg(resultsLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned"),
            }));
        QCOMPARE(lastBriefs(trace, 2),
            (QStringList { QStringLiteral("loop: loop_stopped [closed]"),
                QStringLiteral("loop: message [the program exited with status 0]") }));
        VERIFY_EMPTY(printsOutOfOrder(trace, out, [&](const QString &line) -> std::optional<Printer> {
            if (line.startsWith(QStringLiteral("server ")) || line.startsWith(QStringLiteral("results ")))
                return Printer { main };
            if (!line.startsWith(QStringLiteral("A ")) && !line.startsWith(QStringLiteral("B ")))
                return std::nullopt;
            const QString name = line.left(1);
            const TaskId client = taskNamed(trace, QStringLiteral("client ") + name);
            if (line.contains(QStringLiteral(" read ")))
                return Printer { client,
                    stepsUntil(trace, client, readCompleted[name] + 1) }; // the read's end
            return Printer { client };
        }));
    }

    void staggeredSleepsWakeShortestFirst()
    {
        const QString program = QStringLiteral("staggered_sleeps.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(sleepLine, program, QStringLiteral("await asyncio.sleep(seconds)"));
        FIND_LINE(awaitLine, program, QStringLiteral("await task  #"));
        const QString sleep = QStringLiteral(": task_suspended timer #%1 [sleep %2 s] @%3");
        // Until the timers fire the order is the program's own; then it is the timers'.
        const QStringList all = briefs(trace);
        VERIFY_EMPTY(listsDiffer(all.mid(0, 16),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("loop: loop_started"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("sleeper 2: task_created by main 1"),
                QStringLiteral("sleeper 3: task_created by main 1"),
                QStringLiteral("sleeper 4: task_created by main 1"),
                QStringLiteral("main 1: task_suspended task -> sleeper 2 @%1").arg(awaitLine),
                QStringLiteral("sleeper 2: task_started"),
                QStringLiteral("sleeper 2: timer_armed #1"),
                QStringLiteral("sleeper 2") + sleep.arg(1).arg(QStringLiteral("0.3")).arg(sleepLine),
                QStringLiteral("sleeper 3: task_started"),
                QStringLiteral("sleeper 3: timer_armed #2"),
                QStringLiteral("sleeper 3") + sleep.arg(2).arg(QStringLiteral("0.1")).arg(sleepLine),
                QStringLiteral("sleeper 4: task_started"),
                QStringLiteral("sleeper 4: timer_armed #3"),
                QStringLiteral("sleeper 4") + sleep.arg(3).arg(QStringLiteral("0.2")).arg(sleepLine),
            }));
        // The timers fire shortest first, each waking its own sleeper, which returns; main goes on last.
        // (Timers due at once, on a busy machine, fire together before their tasks run: hence in order,
        // not one after the other.)
        VERIFY_EMPTY(notInOrder(all,
            { QStringLiteral("sleeper 3: timer_fired #2"), QStringLiteral("sleeper 4: timer_fired #3"),
                QStringLiteral("sleeper 2: timer_fired #1") }));
        VERIFY_EMPTY(notInOrder(all,
            { QStringLiteral("sleeper 3: task_returned [0.1]"),
                QStringLiteral("sleeper 4: task_returned [0.2]"),
                QStringLiteral("sleeper 2: task_returned [0.3]") }));
        for (const auto &[task, timer] : { std::pair(QStringLiteral("sleeper 2"), 1),
                 std::pair(QStringLiteral("sleeper 3"), 2), std::pair(QStringLiteral("sleeper 4"), 3) }) {
            const QStringList events = briefsOf(trace, taskNamed(trace, task));
            QCOMPARE(events.size(), 7);
            VERIFY_EMPTY(listsDiffer(events.mid(4),
                { task + QStringLiteral(": timer_fired #%1").arg(timer),
                    task + QStringLiteral(": task_resumed"),
                    task
                        + QStringLiteral(": task_returned [%1]")
                              .arg(timer == 1      ? "0.3"
                                      : timer == 2 ? "0.1"
                                                   : "0.2") }));
        }
        VERIFY_EMPTY(listsDiffer(all.mid(all.size() - 4),
            { QStringLiteral("main 1: task_resumed"), QStringLiteral("main 1: task_returned"),
                QStringLiteral("loop: loop_stopped [closed]"),
                QStringLiteral("loop: message [the program exited with status 0]") }));
        QCOMPARE(all.size(), 16 + 3 * 3 + 4);

        // The prints agree with the timers: each fired timer wakes the task that printed next.
        QStringList woken;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind != EventKind::TimerFired)
                continue;
            const qsizetype suspended = indexOf(trace, e.task, EventKind::TaskSuspended);
            QVERIFY(suspended >= 0);
            const QString label = trace.labels().text(trace.at(suspended).detail);
            woken << QStringLiteral("woke after %1").arg(label.mid(QStringLiteral("sleep ").size()));
        }
        QCOMPARE(woken,
            (QStringList { QStringLiteral("woke after 0.1 s"), QStringLiteral("woke after 0.2 s"),
                QStringLiteral("woke after 0.3 s") }));
        QCOMPARE(run.outLines(), woken);
        VERIFY_EMPTY(
            printsOutOfOrder(trace, run.outLines(), [&](const QString &line) -> std::optional<Printer> {
                for (const TaskId id : { 2u, 3u, 4u }) {
                    const QString label
                        = trace.labels().text(trace.at(indexOf(trace, id, EventKind::TaskSuspended)).detail);
                    if (line.endsWith(label.mid(QStringLiteral("sleep").size())))
                        return Printer { id, 2 }; // once woken
                }
                return std::nullopt;
            }));
    }

    void producerAndConsumerTakeTurnsAtTheQueue()
    {
        const QString program = QStringLiteral("producer_consumer.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(putLine, program, QStringLiteral("await queue.put(item)"));
        FIND_LINE(endLine, program, QStringLiteral("await queue.put(None)"));
        FIND_LINE(getLine, program, QStringLiteral("await queue.get()"));
        FIND_LINE(sleepLine, program, QStringLiteral("await asyncio.sleep(0.01)"));
        FIND_LINE(producingLine, program, QStringLiteral("await producing"));
        FIND_LINE(consumingLine, program, QStringLiteral("return await consuming"));

        const QStringList out = run.outLines();
        QCOMPARE(out,
            (QStringList { "put 0", "put 1", "got 0", "put 2", "got 1", "put 3", "got 2", "put 4", "got 3",
                "put end", "got 4", "total 10", "result 10" }));

        const TaskId producer = taskNamed(trace, QStringLiteral("producer"));
        const TaskId consumer = taskNamed(trace, QStringLiteral("consumer"));
        const TaskId main = taskNamed(trace, QStringLiteral("main 1"));
        QVERIFY(producer != NoTask && consumer != NoTask && main != NoTask);
        // Two puts fill the queue; then the producer waits for room after each put.
        const QString full = QStringLiteral("producer: task_suspended queue [queue put] @%1");
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, producer),
            {
                QStringLiteral("producer: task_created by main 1"),
                QStringLiteral("producer: task_started"),
                full.arg(putLine),
                QStringLiteral("producer: task_resumed"),
                full.arg(putLine),
                QStringLiteral("producer: task_resumed"),
                full.arg(putLine),
                QStringLiteral("producer: task_resumed"),
                full.arg(endLine),
                QStringLiteral("producer: task_resumed"),
                QStringLiteral("producer: task_returned"),
            }));
        // The consumer waits for the first item; after that the queue is never empty when it asks.
        QStringList consumed { QStringLiteral("consumer: task_created by main 1"),
            QStringLiteral("consumer: task_started"),
            QStringLiteral("consumer: task_suspended queue [queue get] @%1").arg(getLine),
            QStringLiteral("consumer: task_resumed") };
        for (int timer = 1; timer <= 5; ++timer) {
            consumed << QStringLiteral("consumer: timer_armed #%1").arg(timer)
                     << QStringLiteral("consumer: task_suspended timer #%1 [sleep 0.01 s] @%2")
                            .arg(timer)
                            .arg(sleepLine)
                     << QStringLiteral("consumer: timer_fired #%1").arg(timer)
                     << QStringLiteral("consumer: task_resumed");
        }
        consumed << QStringLiteral("consumer: task_returned [10]");
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, consumer), consumed));
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, main),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: task_suspended task -> producer @%1").arg(producingLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_suspended task -> consumer @%1").arg(consumingLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned [10]"),
            }));
        VERIFY_EMPTY(printsOutOfOrder(trace, out, [&](const QString &line) -> std::optional<Printer> {
            // The producer puts two items in its first step, then one a step; the consumer takes one
            // a step from its second on.
            if (line == QStringLiteral("put end"))
                return Printer { producer, 5 };
            if (line.startsWith(QStringLiteral("put ")))
                return Printer { producer, std::max(1, line.mid(4).toInt()) };
            if (line.startsWith(QStringLiteral("got ")))
                return Printer { consumer, line.mid(4).toInt() + 2 };
            if (line.startsWith(QStringLiteral("total ")))
                return Printer { consumer, 7 };
            if (line.startsWith(QStringLiteral("result ")))
                return Printer { NoTask };
            return std::nullopt;
        }));
    }

    void gatherAndTaskGroupEndTheirChildren()
    {
        const QString program = QStringLiteral("gather_taskgroup.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(
            workSleep, program, QStringLiteral("await asyncio.sleep(seconds)"), QStringLiteral("def work("));
        FIND_LINE(
            failSleep, program, QStringLiteral("await asyncio.sleep(seconds)"), QStringLiteral("def fail("));
        FIND_LINE(gatherLine, program, QStringLiteral("await asyncio.gather("));
        FIND_LINE(groupLine, program, QStringLiteral("async with asyncio.TaskGroup()"));

        const QStringList out = run.outLines();
        QCOMPARE(out,
            (QStringList { "g2 raises", "g1 done", "g3 done", "gather: ['g1', ValueError('g2 failed'), 'g3']",
                "t2 raises", "caught (ValueError('t2 failed'),)" }));

        VERIFY_EMPTY(listsDiffer(briefsOf(trace, taskNamed(trace, QStringLiteral("main 1"))),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: task_suspended task [gather (3)] @%1").arg(gatherLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_suspended task [TaskGroup (3)] @%1").arg(groupLine),
                // The failing child cancels main's wait; the group waits again for the two it cancelled.
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_suspended task [TaskGroup (2)] @%1").arg(groupLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned"),
            }));
        const auto child = [&](const QString &task, int timer, const QString &sleep, int line,
                               const QString &end, bool fires = true) {
            QStringList events { task + QStringLiteral(": task_created by main 1"),
                task + QStringLiteral(": task_started"),
                task + QStringLiteral(": timer_armed #%1").arg(timer),
                task
                    + QStringLiteral(": task_suspended timer #%1 [sleep %2 s] @%3")
                          .arg(timer)
                          .arg(sleep)
                          .arg(line) };
            if (fires)
                events << task + QStringLiteral(": timer_fired #%1").arg(timer);
            events << task + QStringLiteral(": task_resumed") << task + QStringLiteral(": ") + end;
            return events;
        };
        const auto events = [&](const QString &task) { return briefsOf(trace, taskNamed(trace, task)); };
        VERIFY_EMPTY(
            listsDiffer(events("work 2"), child("work 2", 1, "0.02", workSleep, "task_returned ['g1']")));
        VERIFY_EMPTY(listsDiffer(
            events("fail 3"), child("fail 3", 2, "0.01", failSleep, "task_failed [ValueError: g2 failed]")));
        VERIFY_EMPTY(
            listsDiffer(events("work 4"), child("work 4", 3, "0.03", workSleep, "task_returned ['g3']")));
        VERIFY_EMPTY(listsDiffer(events("t1"), child("t1", 4, "0.5", workSleep, "task_cancelled", false)));
        VERIFY_EMPTY(listsDiffer(
            events("t2"), child("t2", 5, "0.01", failSleep, "task_failed [ValueError: t2 failed]")));
        VERIFY_EMPTY(listsDiffer(events("t3"), child("t3", 6, "1", workSleep, "task_cancelled", false)));
        // The failure ends first, then the two it cancels (in the order of the group's set of
        // tasks, which CPython does not fix), then main waits for the rest of the group.
        for (const char *cancelled : { "t1: task_cancelled", "t3: task_cancelled" }) {
            VERIFY_EMPTY(notInOrder(briefs(trace),
                { "t2: task_failed [ValueError: t2 failed]", cancelled,
                    "main 1: task_suspended task [TaskGroup (2)] @" + QString::number(groupLine) }));
        }

        // Children print once woken; main after gather, and after the group's second wait.
        const std::map<QString, std::pair<QString, int>> printers { { "g1", { "work 2", 2 } },
            { "g2", { "fail 3", 2 } }, { "g3", { "work 4", 2 } }, { "t2", { "t2", 2 } },
            { "gather:", { "main 1", 2 } }, { "caught", { "main 1", 4 } } };
        VERIFY_EMPTY(printsOutOfOrder(trace, out, [&](const QString &line) -> std::optional<Printer> {
            const auto printer = printers.find(line.section(u' ', 0, 0));
            if (printer == printers.end())
                return std::nullopt;
            return Printer { taskNamed(trace, printer->second.first), printer->second.second };
        }));
    }

    void waitForTimesOutAndCancelsItsTask()
    {
        const QString program = QStringLiteral("wait_for_timeout.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(slowLine, program, QStringLiteral("await asyncio.sleep(10)"));
        FIND_LINE(waitForLine, program, QStringLiteral("await asyncio.wait_for("));
        FIND_LINE(pauseLine, program, QStringLiteral("await asyncio.sleep(0.02)"));
        FIND_LINE(victimLine, program, QStringLiteral("await victim"));

        const QStringList out = run.outLines();
        QCOMPARE(out,
            (QStringList {
                "inner cancelled", "wait_for timed out", "victim cancelled", "victim.cancelled() = True" }));
        const TaskId main = taskNamed(trace, QStringLiteral("main 1"));
        const TaskId inner = taskNamed(trace, QStringLiteral("slow 2"));
        const TaskId victim = taskNamed(trace, QStringLiteral("victim"));
        QVERIFY(main != NoTask && inner != NoTask && victim != NoTask);
        const auto cancelled = [&](const QString &task, int timer) {
            return QStringList { task + QStringLiteral(": task_created by main 1"),
                task + QStringLiteral(": task_started"),
                task + QStringLiteral(": timer_armed #%1").arg(timer),
                task + QStringLiteral(": task_suspended timer #%1 [sleep 10 s] @%2").arg(timer).arg(slowLine),
                task + QStringLiteral(": task_resumed"), task + QStringLiteral(": task_cancelled") };
        };
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, inner), cancelled(QStringLiteral("slow 2"), 2)));
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, victim), cancelled(QStringLiteral("victim"), 4)));
        // main arms wait_for's timeout (#1), which fires; it goes on only once its task is cancelled.
        const QStringList all = briefs(trace);
        VERIFY_EMPTY(notInOrder(all,
            {
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: timer_armed #1"),
                QStringLiteral("slow 2: task_created by main 1"),
                QStringLiteral("main 1: task_suspended task -> slow 2 @%1").arg(waitForLine),
                QStringLiteral("slow 2: task_started"),
                QStringLiteral("main 1: timer_fired #1"),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("slow 2: task_cancelled"),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("victim: task_created by main 1"),
                QStringLiteral("main 1: timer_armed #3"),
                QStringLiteral("main 1: task_suspended timer #3 [sleep 0.02 s] @%1").arg(pauseLine),
                QStringLiteral("victim: task_started"),
                QStringLiteral("main 1: timer_fired #3"),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_suspended task -> victim @%1").arg(victimLine),
                QStringLiteral("victim: task_resumed"),
                QStringLiteral("victim: task_cancelled"),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned"),
                QStringLiteral("loop: loop_stopped [closed]"),
            }));
        QVERIFY(!all.contains(QStringLiteral("slow 2: timer_fired #2")));
        QVERIFY(!all.contains(QStringLiteral("victim: timer_fired #4")));
        VERIFY_EMPTY(printsOutOfOrder(trace, out, [&](const QString &line) -> std::optional<Printer> {
            // main: once the inner task is cancelled (its third step), once the victim is (its fifth).
            if (line == QStringLiteral("inner cancelled"))
                return Printer { inner, 2 };
            if (line == QStringLiteral("victim cancelled"))
                return Printer { victim, 2 };
            return Printer { main, line.startsWith(QStringLiteral("wait_for")) ? 3 : 5 };
        }));
    }

    void httpPagesAreFetchedTwoAtATime()
    {
        DemoServer::Options options;
        options.latencyMs = 30;
        const std::unique_ptr<DemoServer> server = DemoServer::startLocal(options);
        const QString program = QStringLiteral("http_pages.py");
        const QStringList args { server->itemsUrl().toString(), QStringLiteral("5") };
        const Traced &run = traced(program, args);
        VERIFY_RECORDED(run, program, args, 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(limitLine, program, QStringLiteral("async with limit:"));
        FIND_LINE(connectLine, program, QStringLiteral("await asyncio.open_connection(host, port)"));
        FIND_LINE(headLine, program, QStringLiteral("await reader.readuntil("));
        FIND_LINE(gatherLine, program, QStringLiteral("await asyncio.gather("));

        QCOMPARE(server->statistics().requestsReceived, 5);
        QCOMPARE(server->statistics().responsesByStatus.value(200), 5);
        QVERIFY(server->statistics().peakOpenRequests <= 2);

        const QStringList out = run.outLines();
        QCOMPARE(out.size(), 6);
        QCOMPARE(out.last(), QStringLiteral("items 50"));
        QStringList pages;
        for (int page = 0; page < 5; ++page)
            pages << QStringLiteral("page from=%1 status=200 count=10 first=item-%2")
                         .arg(page * 10)
                         .arg(page * 10, 6, 10, QLatin1Char('0'));
        QStringList printed = out.mid(0, 5);
        printed.sort();
        QCOMPARE(printed, pages);

        const TaskId main = taskNamed(trace, QStringLiteral("main 1"));
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, main),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: task_suspended task [gather (5)] @%1").arg(gatherLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned"),
            }));
        const QList<TaskId> fetches
            = tasksNamedLike(trace, QRegularExpression(QStringLiteral("^fetch_page \\d+$")));
        QCOMPARE(fetches.size(), 5);
        const QString read = QStringLiteral("read 127.0.0.1:%1").arg(server->port());
        for (qsizetype n = 0; n < fetches.size(); ++n) {
            const QString task = trace.taskName(fetches[n]);
            QStringList expected { task + QStringLiteral(": task_created by main 1"),
                task + QStringLiteral(": task_started") };
            if (n >= 2) // the third and later wait for one of the first two to finish
                expected << task + QStringLiteral(": task_suspended sync [semaphore] @%1").arg(limitLine)
                         << task + QStringLiteral(": task_resumed");
            expected << task + QStringLiteral(": io_submitted [sock_connect] @%1").arg(connectLine)
                     << task + QStringLiteral(": task_suspended io [sock_connect] @%1").arg(connectLine)
                     << task + QStringLiteral(": io_completed [sock_connect: done]")
                     << task + QStringLiteral(": task_resumed")
                     << task + QStringLiteral(": io_submitted [%1] @%2").arg(read).arg(headLine)
                     << task + QStringLiteral(": task_suspended io [%1] @%2").arg(read).arg(headLine)
                     << task + QStringLiteral(": io_completed [%1: done]").arg(read)
                     << task + QStringLiteral(": task_resumed")
                     << task + QStringLiteral(": task_returned [10]");
            const QStringList seen = briefsOf(trace, fetches[n]);
            VERIFY_EMPTY(notInOrder(seen, expected));
            QCOMPARE(
                seen.count(task + QStringLiteral(": task_suspended sync [semaphore] @%1").arg(limitLine)),
                n >= 2 ? 1 : 0);
        }
        // At most two requests at once, and two at some point: a task holds the semaphore from its
        // connection until it returns.
        int inFlight = 0;
        int peak = 0;
        std::set<TaskId> connected;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind == EventKind::IoSubmitted
                && trace.labels().text(e.detail) == QStringLiteral("sock_connect")
                && connected.insert(e.task).second)
                peak = std::max(peak, ++inFlight);
            else if (e.kind == EventKind::TaskReturned && connected.count(e.task))
                --inFlight;
        }
        QCOMPARE(peak, 2);
        QCOMPARE(inFlight, 0);
        // Each page is printed by the task that fetched it, as the trace ran them.
        VERIFY_EMPTY(printsOutOfOrder(trace, out, [&](const QString &line) -> std::optional<Printer> {
            if (line.startsWith(QStringLiteral("items ")))
                return Printer { main, 2 };
            const QRegularExpressionMatch page
                = QRegularExpression(QStringLiteral("^page from=(\\d+) ")).match(line);
            if (!page.hasMatch() || page.captured(1).toInt() / 10 >= fetches.size())
                return std::nullopt;
            return Printer { fetches[page.captured(1).toInt() / 10] };
        }));
    }

    void blockingCallbackIsASlowStep()
    {
        const QString program = QStringLiteral("blocking_callback.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(waitLine, program, QStringLiteral("await asyncio.sleep(0.05)"));

        const QStringList out = run.outLines();
        QCOMPARE(out.size(), 4);
        QCOMPARE(out.mid(0, 3), (QStringList { "note() runs", "block() starts", "block() ends" }));
        QVERIFY2(QRegularExpression(QStringLiteral("^waiter woke after \\d+\\.\\d\\d s$"))
                     .match(out[3])
                     .hasMatch(),
            qPrintable(out[3]));

        // Each run of a callback is a task of its own, numbered by run, as Loopscope's callback loop has
        // them.
        const TaskId block = taskNamed(trace, QStringLiteral("block() 1"));
        const TaskId note = taskNamed(trace, QStringLiteral("note() 1"));
        QVERIFY(block != NoTask && note != NoTask);
        QCOMPARE(trace.task(block).parent, NoTask);
        QCOMPARE(trace.task(note).parent, NoTask);
        // main arms call_later's timer (#1) and its sleep (#2); the sleep's timer fires only after the
        // callback let go of the loop.
        const QStringList all = briefs(trace);
        VERIFY_EMPTY(notInOrder(all,
            {
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: timer_armed #1"),
                QStringLiteral("main 1: timer_armed #2"),
                QStringLiteral("main 1: task_suspended timer #2 [sleep 0.05 s] @%1").arg(waitLine),
                QStringLiteral("note() 1: task_created"),
                QStringLiteral("note() 1: task_started"),
                QStringLiteral("note() 1: task_returned"),
                QStringLiteral("block() 1: task_started"),
                QStringLiteral("block() 1: task_returned"),
                QStringLiteral("block() 1: slow_step"),
                QStringLiteral("main 1: timer_fired #2"),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned"),
            }));
        const qsizetype slow = indexOf(trace, block, EventKind::SlowStep);
        QVERIFY(slow > 0);
        QCOMPARE(trace.at(slow - 1).kind, EventKind::TaskReturned);
        QCOMPARE(trace.at(slow - 1).task, block);
        QVERIFY2(
            trace.at(slow).detail >= 250'000, qPrintable(trace.describe(trace.at(slow)))); // slept 0.25 s
        QCOMPARE(briefsOf(trace, block).count(QStringLiteral("block() 1: slow_step")), 1);
        // call_later's timer fires once, right before its callback runs.
        qsizetype fired = -1;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            if (trace.at(i).kind == EventKind::TimerFired && trace.at(i).other == 1) {
                QCOMPARE(fired, -1);
                fired = i;
            }
        }
        QVERIFY(fired >= 0);
        qsizetype after = fired + 1;
        QVERIFY(after < trace.size());
        QCOMPARE(brief(trace, trace.at(after)), QStringLiteral("block() 1: task_started"));
        VERIFY_EMPTY(printsOutOfOrder(trace, out, [&](const QString &line) -> std::optional<Printer> {
            if (line.startsWith(QStringLiteral("note()")))
                return Printer { note, 1 };
            if (line.startsWith(QStringLiteral("block()")))
                return Printer { block, 1 };
            return Printer { taskNamed(trace, QStringLiteral("main 1")), 2 };
        }));
    }

    void nestedRunIsRefusedAndTheProgramGoesOn()
    {
        const QString program = QStringLiteral("nested_run.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(sleepLine, program, QStringLiteral("await asyncio.sleep(0.01)"));
        QCOMPARE(run.outLines(),
            (QStringList { "RuntimeError: asyncio.run() cannot be called from a running event loop",
                "main carries on", "result done" }));
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, taskNamed(trace, QStringLiteral("main 1"))),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: timer_armed #1"),
                QStringLiteral("main 1: task_suspended timer #1 [sleep 0.01 s] @%1").arg(sleepLine),
                QStringLiteral("main 1: timer_fired #1"),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned ['done']"),
            }));
        QCOMPARE(trace.taskCount(), TaskId(2)); // the refused coroutine never became a task
        QCOMPARE(briefs(trace).count(QStringLiteral("loop: loop_started")), 1);
        QCOMPARE(lastBriefs(trace, 2),
            (QStringList { QStringLiteral("loop: loop_stopped [closed]"),
                QStringLiteral("loop: message [the program exited with status 0]") }));
    }

    void exitStatusIsPassedOn()
    {
        const QString program = QStringLiteral("exits_with_status.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 3, "exited with status 3");
        FIND_LINE(sleepLine, program, QStringLiteral("await asyncio.sleep("));
        FIND_LINE(gatherLine, program, QStringLiteral("await asyncio.gather("));
        QCOMPARE(run.outLines(), (QStringList { "squares [1, 4]", "exiting with status 3" }));
        const Trace &trace = run.trace();
        const QStringList all = briefs(trace);
        VERIFY_EMPTY(listsDiffer(all.mid(0, 12),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("loop: loop_started"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("step 2: task_created by main 1"),
                QStringLiteral("step 3: task_created by main 1"),
                QStringLiteral("main 1: task_suspended task [gather (2)] @%1").arg(gatherLine),
                QStringLiteral("step 2: task_started"),
                QStringLiteral("step 2: timer_armed #1"),
                QStringLiteral("step 2: task_suspended timer #1 [sleep 0.01 s] @%1").arg(sleepLine),
                QStringLiteral("step 3: task_started"),
                QStringLiteral("step 3: timer_armed #2"),
                QStringLiteral("step 3: task_suspended timer #2 [sleep 0.02 s] @%1").arg(sleepLine),
            }));
        // The timers may fire together on a busy machine: each step's end is checked on its own.
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, taskNamed(trace, QStringLiteral("step 2"))).mid(4),
            { "step 2: timer_fired #1", "step 2: task_resumed", "step 2: task_returned [1]" }));
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, taskNamed(trace, QStringLiteral("step 3"))).mid(4),
            { "step 3: timer_fired #2", "step 3: task_resumed", "step 3: task_returned [4]" }));
        VERIFY_EMPTY(listsDiffer(all.mid(all.size() - 4),
            {
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned [5]"),
                QStringLiteral("loop: loop_stopped [closed]"),
                QStringLiteral("loop: message [the program exited with status 3]"),
            }));
        QCOMPARE(all.size(), 12 + 3 + 3 + 4);
    }

    void crashIsPassedOnWithItsTraceback()
    {
        const QString program = QStringLiteral("crashes.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 1, "exited with status 1");
        FIND_LINE(firstLine, program, QStringLiteral("await asyncio.sleep(0.01)"));
        FIND_LINE(secondLine, program, QStringLiteral("await asyncio.sleep(0)"));
        FIND_LINE(raiseLine, program, QStringLiteral("raise RuntimeError("));
        QCOMPARE(run.outLines(), (QStringList { "first await done", "second await done" }));
        const QString err = QString::fromUtf8(run.err);
        QVERIFY2(err.startsWith(QStringLiteral("Traceback (most recent call last):\n")), qPrintable(err));
        QVERIFY2(
            err.contains(
                QStringLiteral("File \"%1\", line %2, in main\n").arg(programPath(program)).arg(raiseLine)),
            qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("\nRuntimeError: the program crashes here\nloopscope trace: ")),
            qPrintable(err));
        VERIFY_EMPTY(listsDiffer(briefs(run.trace()),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("loop: loop_started"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: timer_armed #1"),
                QStringLiteral("main 1: task_suspended timer #1 [sleep 0.01 s] @%1").arg(firstLine),
                QStringLiteral("main 1: timer_fired #1"),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_suspended yield [sleep(0)] @%1").arg(secondLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_failed [RuntimeError: the program crashes here]"),
                QStringLiteral("loop: loop_stopped [closed]"),
                QStringLiteral("loop: message [the program exited with status 1]"),
            }));
    }

    void stoppedProgramKeepsItsTrace()
    {
        // SIGTERM to loopscope once the program has ticked three times: loopscope stops the program
        // and saves what it recorded.
        const QString program = QStringLiteral("runs_forever.py");
        Traced run;
        bool terminated = false;
        record(program, {}, run, [&](QProcess &process, const QByteArray &out) {
            if (!terminated && out.contains("tick 3\n")) {
                terminated = true;
                process.terminate();
            }
        });
        QVERIFY(terminated);
        VERIFY_RECORDED(run, program, QStringList(), 128 + SIGTERM, "was stopped");
        const Trace &trace = run.trace();
        FIND_LINE(sleepLine, program, QStringLiteral("await asyncio.sleep(0.05)"));
        FIND_LINE(mainLine, program, QStringLiteral("await asyncio.create_task(tick()"));

        const QStringList out = run.outLines();
        QVERIFY(out.size() >= 3);
        for (qsizetype i = 0; i < out.size(); ++i)
            QCOMPARE(out[i], QStringLiteral("tick %1").arg(i + 1));
        // Every tick the trace holds was printed; a tick printed as the program was stopped may not
        // have reached the trace.
        const QStringList all = briefs(trace);
        const qsizetype ticks
            = all.filter(QRegularExpression(QStringLiteral("^ticker: timer_fired "))).size();
        QVERIFY2(ticks == out.size() || ticks == out.size() - 1,
            qPrintable(QStringLiteral("%1 ticks recorded, %2 printed").arg(ticks).arg(out.size())));
        QStringList ticker { QStringLiteral("ticker: task_created by main 1"),
            QStringLiteral("ticker: task_started") };
        for (qsizetype timer = 1; timer <= ticks + 1; ++timer) {
            ticker << QStringLiteral("ticker: timer_armed #%1").arg(timer)
                   << QStringLiteral("ticker: task_suspended timer #%1 [sleep 0.05 s] @%2")
                          .arg(timer)
                          .arg(sleepLine);
            if (timer <= ticks)
                ticker << QStringLiteral("ticker: timer_fired #%1").arg(timer)
                       << QStringLiteral("ticker: task_resumed");
        }
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, taskNamed(trace, QStringLiteral("ticker"))), ticker));
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, taskNamed(trace, QStringLiteral("main 1"))),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: task_suspended task -> ticker @%1").arg(mainLine),
            }));
        QCOMPARE(all.mid(0, 2), (QStringList { "main 1: task_created", "loop: loop_started" }));
        const TaskId ticking = taskNamed(trace, QStringLiteral("ticker"));
        VERIFY_EMPTY(printsOutOfOrder(trace, out, [&](const QString &line) -> std::optional<Printer> {
            const int tick = line.mid(QStringLiteral("tick ").size()).toInt();
            return tick <= ticks ? Printer { ticking, tick + 1 } : Printer { NoTask };
        }));
        QCOMPARE(lastBriefs(trace, 2),
            (QStringList { QStringLiteral("loop: message [the program was stopped]"),
                QStringLiteral("loop: loop_stopped [the program ended]") }));
    }

    void aProgramOnItsOwnStreamsToAListeningWindow_data()
    {
        QTest::addColumn<bool>("unixSocket");
        QTest::newRow("loopback") << false;
        QTest::newRow("unix socket") << true;
    }
    void aProgramOnItsOwnStreamsToAListeningWindow()
    {
        // LOOPSCOPE_LIVE, as for a program on Loopscope's scheduler: the window sees the same run.
        QFETCH(bool, unixSocket);
        std::shared_ptr<LiveProgram> program;
        const auto listener = listenFor(
            unixSocket ? m_dir.filePath(QStringLiteral("live.sock")) : QStringLiteral("127.0.0.1:0"),
            program);
        const QString name = QStringLiteral("staggered_sleeps.py");
        QProcess process;
        startRecorder(process, name, { { QStringLiteral("LOOPSCOPE_LIVE"), listener->address() } });
        QVERIFY(process.waitForStarted(10'000));
        const qint64 pid = process.processId();
        QTRY_VERIFY_WITH_TIMEOUT(program && program->isDone(), TimeoutMs);
        QVERIFY(hasEnded(process));
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(process.readAllStandardError(), QByteArray());
        QCOMPARE(program->problem(), QString());
        QCOMPARE(program->name(), QStringLiteral("%1 (pid %2)").arg(programPath(name)).arg(pid));
        QCOMPARE(program->metadata().sourceFile, QFileInfo(programPath(name)).absoluteFilePath());
        QCOMPARE(program->metadata().clock, ClockMode::Real);
        // What `loopscope trace` records, but its note of how the program ended.
        const QStringList recorded = briefs(traced(name).trace());
        VERIFY_EMPTY(listsDiffer(briefs(program->trace()), recorded.mid(0, recorded.size() - 1)));
        VERIFY_EMPTY(inconsistency(program->trace()));

        LiveRun run(program);
        run.runToEnd();
        QVERIFY(run.isFinished());
        QCOMPARE(run.trace().size(), program->trace().size());
        QCOMPARE(run.recordedMetadata()->sourceFile, program->metadata().sourceFile);
    }

    void aKilledProgramLeavesALiveTraceThatSaysSo()
    {
        std::shared_ptr<LiveProgram> program;
        const auto listener = listenFor(QStringLiteral("127.0.0.1:0"), program);
        QProcess process;
        startRecorder(process, QStringLiteral("runs_forever.py"),
            { { QStringLiteral("LOOPSCOPE_LIVE"), listener->address() } });
        const auto ticked = [&program] {
            return program && briefs(program->trace()).contains(QStringLiteral("ticker: timer_fired #2"));
        };
        QTRY_VERIFY_WITH_TIMEOUT(ticked(), TimeoutMs);
        process.kill();
        QVERIFY(hasEnded(process));
        QTRY_VERIFY_WITH_TIMEOUT(program->isDone(), TimeoutMs);
        QCOMPARE(program->problem(), QStringLiteral("the program went away while its event loop ran"));
        const Trace &trace = program->trace();
        QCOMPARE(trace.last().kind, EventKind::Message);
        QCOMPARE(trace.labels().text(trace.last().detail), program->problem());
    }

    void aProgramOnItsOwnRecordsToAFileLoopscopeOpens()
    {
        const QString name = QStringLiteral("staggered_sleeps.py");
        const QString file = m_dir.filePath(QStringLiteral("on-its-own.loopscope"));
        QProcess process;
        startRecorder(process, name, { { QStringLiteral("LOOPSCOPE_TRACE"), file } });
        QVERIFY(hasEnded(process));
        QCOMPARE(process.exitCode(), 0);
        const LoadedTrace loaded = TraceFileReader::open(file);
        const QStringList recorded = briefs(traced(name).trace());
        VERIFY_EMPTY(listsDiffer(briefs(*loaded.trace), recorded.mid(0, recorded.size() - 1)));
        QVERIFY2(loaded.metadata.program.startsWith(programPath(name) + QStringLiteral(" (pid ")),
            qPrintable(loaded.metadata.program));
        QCOMPARE(loaded.metadata.sourceFile, QFileInfo(programPath(name)).absoluteFilePath());
    }

    void anUnreachableWindowIsNamedAndTheProgramDoesNotRun_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("message");
        QTest::newRow("nobody listens")
            << QStringLiteral("127.0.0.1:1")
            << QStringLiteral("LOOPSCOPE_LIVE: nothing listens on 127.0.0.1:1: Connection refused (start "
                              "`loopscope --listen 127.0.0.1:1`)");
        QTest::newRow("another machine")
            << QStringLiteral("192.0.2.7:7788")
            << QStringLiteral("LOOPSCOPE_LIVE: 192.0.2.7 is not this machine; a trace is only streamed over "
                              "loopback or a Unix socket");
        QTest::newRow("no port") << QStringLiteral("127.0.0.1")
                                 << QStringLiteral("LOOPSCOPE_LIVE must be 127.0.0.1:PORT, [::1]:PORT or the "
                                                   "path of a Unix socket, not \"127.0.0.1\"");
    }
    void anUnreachableWindowIsNamedAndTheProgramDoesNotRun()
    {
        QFETCH(QString, address);
        QFETCH(QString, message);
        QProcess process;
        startRecorder(process, QStringLiteral("staggered_sleeps.py"),
            { { QStringLiteral("LOOPSCOPE_LIVE"), address } });
        QVERIFY(hasEnded(process));
        QCOMPARE(process.exitCode(), 2);
        QCOMPARE(QString::fromUtf8(process.readAllStandardError()),
            QStringLiteral("loopscope_record: %1\n").arg(message));
        QCOMPARE(process.readAllStandardOutput(), QByteArray()); // the program did not run unrecorded
    }

    void customLoopIsNamedAndLeftUnrecorded()
    {
        const QString program = QStringLiteral("custom_loop.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const QString found = QStringLiteral(
            "found the event loop __main__.MinimalLoop; only asyncio's standard loop is recorded");
        QVERIFY2(QString::fromUtf8(run.err).startsWith(QStringLiteral("loopscope: ") + found + u'\n'),
            run.err.constData());
        QCOMPARE(run.outLines(), (QStringList { "main runs on MinimalLoop", "result 42" }));
        VERIFY_EMPTY(listsDiffer(briefs(run.trace()),
            { QStringLiteral("loop: message [%1]").arg(found),
                QStringLiteral("loop: message [the program exited with status 0]") }));
    }

    void megabytesOfOutputPassThroughWhole()
    {
        const QString program = QStringLiteral("prints_megabytes.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        FIND_LINE(yieldLine, program, QStringLiteral("await asyncio.sleep(0)"));
        FIND_LINE(gatherLine, program, QStringLiteral("await asyncio.gather("));
        constexpr int Writers = 4, Chunks = 200, Lines = 64, Width = 100;
        const QByteArray total = QByteArrayLiteral("total 5120000\n");
        QCOMPARE(run.out.size(), qsizetype(Writers) * Chunks * Lines * Width + total.size());
        QVERIFY(run.out.endsWith(total));

        // Each writer's lines, whole and in order; the writers take turns chunk by chunk.
        const QList<TaskId> writers
            = tasksNamedLike(trace, QRegularExpression(QStringLiteral("^writer \\d+$")));
        QCOMPARE(writers.size(), Writers);
        std::vector<int> next(Writers, 0);
        const QList<QByteArray> lines = run.out.split('\n');
        QCOMPARE(lines.size(),
            qsizetype(Writers * Chunks * Lines + 2)); // the total line, and nothing after its newline
        const QRegularExpression shape(QStringLiteral("^writer (\\d) chunk (\\d{3}) line (\\d{2}) x+$"));
        QStringList chunkOwners;
        for (qsizetype i = 0; i + 2 < lines.size(); ++i) {
            const QString line = QString::fromLatin1(lines[i]);
            const QRegularExpressionMatch match = shape.match(line);
            QVERIFY2(match.hasMatch() && line.size() == Width - 1, qPrintable(line));
            const int writer = match.captured(1).toInt();
            QVERIFY(writer < Writers);
            const int index = match.captured(2).toInt() * Lines + match.captured(3).toInt();
            QVERIFY2(index == next[writer], qPrintable(line));
            ++next[writer];
            if (match.captured(3) == QStringLiteral("00"))
                chunkOwners << line;
        }
        QCOMPARE(next, std::vector<int>(Writers, Chunks * Lines));

        // Every step of every writer is in the trace: 200 yields each, nothing lost.
        for (int w = 0; w < Writers; ++w) {
            const QString task = trace.taskName(writers[w]);
            QStringList expected { task + QStringLiteral(": task_created by main 1"),
                task + QStringLiteral(": task_started") };
            for (int chunk = 0; chunk < Chunks; ++chunk)
                expected << task + QStringLiteral(": task_suspended yield [sleep(0)] @%1").arg(yieldLine)
                         << task + QStringLiteral(": task_resumed");
            expected << task + QStringLiteral(": task_returned [1280000]");
            VERIFY_EMPTY(listsDiffer(briefsOf(trace, writers[w]), expected));
        }
        VERIFY_EMPTY(listsDiffer(briefsOf(trace, taskNamed(trace, QStringLiteral("main 1"))),
            {
                QStringLiteral("main 1: task_created"),
                QStringLiteral("main 1: task_started"),
                QStringLiteral("main 1: task_suspended task [gather (4)] @%1").arg(gatherLine),
                QStringLiteral("main 1: task_resumed"),
                QStringLiteral("main 1: task_returned [5120000]"),
            }));
        QCOMPARE(trace.size(), qsizetype(3 + Writers + 1 + Writers * (2 + 2 * Chunks) + 2 + 2));
        // The chunks were printed in the order the trace ran the writers' steps.
        VERIFY_EMPTY(printsOutOfOrder(trace, chunkOwners, [&](const QString &line) -> std::optional<Printer> {
            return Printer { writers[line.section(u' ', 1, 1).toInt()],
                line.section(u' ', 3, 3).toInt() + 1 };
        }));
    }

    void missingProgramFileIsRefused()
    {
        const QString missing = programPath(QStringLiteral("no_such_program.py"));
        verifyRefused({ QStringLiteral("python3"), missing }, QStringLiteral("no such file: ") + missing);
    }

    void commandThatIsNotPythonIsRefused()
    {
        verifyRefused({ QStringLiteral("ls") },
            QStringLiteral("ls is not a Python program: give python3 SCRIPT.py (or SCRIPT.py)"));
    }

    void missingInterpreterIsRefused()
    {
        verifyRefused({ QStringLiteral("python9.9"), programPath(QStringLiteral("staggered_sleeps.py")) },
            QStringLiteral("python9.9 was not found: install Python 3 (on Debian: apt-get install python3)"));
    }

    // ---- what the recorder gets wrong (see the report that came with this test) ----

    void awaitedTasksAreCalledByTheirTraceNames()
    {
        // A wait for a task is labelled with the task's name as the trace gives it ("task sleeper 2",
        // like "task producer"), not asyncio's own name for it ("task Task-2"); wait_for adds its
        // timeout ("task slow 2 (wait_for, timeout 0.05 s)").
        QStringList wrong;
        for (const QString &program :
            { QStringLiteral("staggered_sleeps.py"), QStringLiteral("producer_consumer.py"),
                QStringLiteral("wait_for_timeout.py"), QStringLiteral("two_coroutines.py") }) {
            const Traced &run = traced(program);
            QVERIFY2(run.loaded.trace, qPrintable(program));
            const Trace &trace = run.trace();
            int waits = 0;
            for (qsizetype i = 0; i < trace.size(); ++i) {
                const TraceEvent e = trace.at(i);
                if (e.kind != EventKind::TaskSuspended || e.wait() != WaitKind::Task || e.other == NoTask)
                    continue;
                ++waits;
                const QString expected = QStringLiteral("task ") + trace.taskName(e.other);
                const QString &label = trace.labels().text(e.detail);
                const bool waitFor = label.contains(QStringLiteral("(wait_for, timeout 0.05 s)"));
                if (label != expected && !(waitFor && label.startsWith(expected + u' ')))
                    wrong
                        << QStringLiteral("%1: %2 (expected [%3])").arg(program, trace.describe(e), expected);
            }
            QVERIFY2(waits > 0, qPrintable(program));
        }
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
    }

    void resumptionsSayWhatEndedTheirWait()
    {
        // Like the scheduler's, a resumption carries the wait it ends (its kind, what was awaited
        // and the line): trace/traceevent.h, "wait() says what a suspension (and the resumption
        // that ends it) waits for".
        const Traced &run = traced(QStringLiteral("staggered_sleeps.py"));
        QVERIFY(run.loaded.trace);
        const Trace &trace = run.trace();
        std::map<TaskId, TraceEvent> suspended;
        QStringList wrong;
        int resumptions = 0;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind == EventKind::TaskSuspended)
                suspended[e.task] = e;
            if (e.kind != EventKind::TaskResumed)
                continue;
            ++resumptions;
            QVERIFY(suspended.count(e.task));
            const TraceEvent &wait = suspended[e.task];
            if (e.wait() != wait.wait() || e.other != wait.other || e.line != wait.line)
                wrong << QStringLiteral("%1: wait %2, other %3, line %4 (expected %5, %6, %7)")
                             .arg(trace.describe(e), QString(waitKindName(e.wait())))
                             .arg(e.other)
                             .arg(e.line)
                             .arg(QString(waitKindName(wait.wait())))
                             .arg(wait.other)
                             .arg(wait.line);
        }
        QCOMPARE(resumptions, 4);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
    }

    void nestedRunLeavesANoteInTheTrace()
    {
        // The recorder means to note an asyncio.run() refused inside a running loop, on the task
        // that called it, between that task's start and its sleep.
        const Traced &run = traced(QStringLiteral("nested_run.py"));
        QVERIFY(run.loaded.trace);
        const QStringList all = briefs(run.trace());
        VERIFY_EMPTY(notInOrder(all,
            { QStringLiteral("main 1: task_started"),
                QStringLiteral(
                    "main 1: message [asyncio.run() called inside a running loop: refused (RuntimeError)]"),
                QStringLiteral("main 1: timer_armed #1") }));
    }

    void callLaterTimerFiresForItsCallback()
    {
        // As Loopscope's own callback loop records call_later (scenarios/callbackqueue.cpp): the timer
        // is armed by the task that called call_later and fires for the callback it runs.
        const Traced &run = traced(QStringLiteral("blocking_callback.py"));
        QVERIFY(run.loaded.trace);
        const Trace &trace = run.trace();
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind == EventKind::TimerFired && e.other == 1)
                QCOMPARE(trace.taskName(e.task), QStringLiteral("block() 1"));
        }
    }

    void theLintsFindEachMistakeOfARecordedProgram()
    {
        // One of each: a yield loop, a blocking step and the task it starved, a failure nobody
        // awaits, and a wait on an Event nobody sets when the loop is closed.
        const QString program = QStringLiteral("lint_mistakes.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        const std::vector<Finding> findings = lintTrace(trace);
        QStringList found;
        for (const Finding &f : findings) {
            found << QStringLiteral("%1 %2").arg(findingKindName(f.kind), trace.taskName(f.task));
            QVERIFY2(f.timeNs > 0, qPrintable(f.message)); // every finding says when
        }
        QCOMPARE(found,
            (QStringList { QStringLiteral("never-yields spin 2"), QStringLiteral("busy-polling spin 2"),
                QStringLiteral("blocking-step crunch 4"), QStringLiteral("starved patient 3"),
                QStringLiteral("failure-never-retrieved doomed 5"),
                QStringLiteral("lost-wakeup forgotten 6") }));
        const auto message = [&findings](FindingKind kind) {
            return std::find_if(findings.begin(), findings.end(), [kind](const Finding &f) {
                return f.kind == kind;
            })->message;
        };
        QVERIFY2(message(FindingKind::NeverYields).contains(QStringLiteral("ran 150 steps in a row")),
            qPrintable(message(FindingKind::NeverYields)));
        QVERIFY2(
            message(FindingKind::FailureNeverRetrieved).contains(QStringLiteral("ValueError: no page 7")),
            qPrintable(message(FindingKind::FailureNeverRetrieved)));
        QVERIFY2(message(FindingKind::LostWakeup).contains(QStringLiteral("awaits event")),
            qPrintable(message(FindingKind::LostWakeup)));
        // The clean programs stay clean of all but what they show on purpose.
        for (const QString &clean : { QStringLiteral("two_coroutines.py"),
                 QStringLiteral("staggered_sleeps.py"), QStringLiteral("producer_consumer.py") }) {
            const Traced &cleanRun = traced(clean);
            QVERIFY(cleanRun.loaded.trace);
            const std::vector<Finding> none = lintTrace(cleanRun.trace());
            QVERIFY2(none.empty(),
                qPrintable(clean + QStringLiteral(": ") + (none.empty() ? QString() : none[0].message)));
        }
    }

    void aSwallowedCancellationIsRecordedAndLinted()
    {
        // The task catches its CancelledError and sleeps on: the request is in the trace, just
        // before the wait it went on to, and the lints report it. Cancellations that asyncio takes
        // back itself (a TaskGroup waiting for its children, wait_for's timeout) are not reported.
        const QString program = QStringLiteral("swallowed_cancel.py");
        const Traced &run = traced(program);
        VERIFY_RECORDED(run, program, QStringList(), 0, "exited with status 0");
        const Trace &trace = run.trace();
        const QStringList all = briefs(trace);
        VERIFY_EMPTY(notInOrder(all,
            { QStringLiteral("headstrong: task_resumed"), QStringLiteral("headstrong: cancel_requested"),
                QStringLiteral("headstrong: task_suspended timer #3 [sleep 0.02 s] @%1")
                    .arg(lineOf(QStringLiteral("swallowed_cancel.py"),
                        QStringLiteral("await asyncio.sleep(0.02)"))) }));
        const std::vector<Finding> findings = lintTrace(trace);
        QCOMPARE(findings.size(), 1u);
        QCOMPARE(findings[0].kind, FindingKind::SwallowedCancellation);
        QCOMPARE(trace.taskName(findings[0].task), QStringLiteral("headstrong"));
        for (const QString &program :
            { QStringLiteral("gather_taskgroup.py"), QStringLiteral("wait_for_timeout.py") }) {
            const Traced &clean = traced(program);
            QVERIFY(clean.loaded.trace);
            for (const Finding &f : lintTrace(clean.trace()))
                QVERIFY2(f.kind != FindingKind::SwallowedCancellation,
                    qPrintable(program + QStringLiteral(": ") + f.message));
        }
    }
};

QTEST_GUILESS_MAIN(TestPyTrace)
#include "tst_pytrace.moc"
