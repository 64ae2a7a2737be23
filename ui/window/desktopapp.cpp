#include "window/desktopapp.h"

#include "cli/liveprograms.h"
#include "cli/tracecommand.h"
#include "record/pythoncommand.h"

#include "model/tracefeed.h"
#include "run/runsession.h"
#include "run/tracemetadata.h"
#include "scheduler/errors.h"
#include "window/filecommands.h"
#include "window/launchoptions.h"
#include "window/mainwindow.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QIcon>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

namespace Loopscope {

namespace {

//! Takes `steps` steps; a real-clock run that has to wait for I/O gets the event loop meanwhile.
void takeSteps(RunSession &session, qint64 steps)
{
    const QDeadlineTimer deadline(std::chrono::seconds(60));
    qint64 taken = 0;
    while (taken < steps && session.hasRun() && !session.isFinished() && !deadline.hasExpired()) {
        const qint64 now = session.advance(steps - taken);
        taken += now;
        if (now == 0) {
            QEventLoop wait;
            QTimer::singleShot(10, &wait, &QEventLoop::quit);
            wait.exec();
        }
    }
}

} // namespace

namespace {

//! Lets the window lay out and paint once, then saves a picture of it to `path`.
int saveScreenshot(MainWindow &window, const QString &path, QTextStream &err)
{
    window.feed().flush();
    QEventLoop settle;
    QTimer::singleShot(300, &settle, &QEventLoop::quit);
    settle.exec();
    if (!window.grab().save(path)) {
        err << "loopscope: could not save the screenshot to " << path << '\n';
        return 1;
    }
    QTextStream(stdout) << "saved " << path << '\n';
    return 0;
}

void setUpApplication()
{
    QApplication::setApplicationName(QStringLiteral("Loopscope"));
    QApplication::setApplicationVersion(loopscopeVersion());
    QApplication::setOrganizationName(QStringLiteral("Loopscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Loopscope"));
    QApplication::setDesktopFileName(QStringLiteral("loopscope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/loopscope/icons/loopscope.svg")));
}

} // namespace

int runDesktopAppTracing(int argc, char **argv, const TraceCommandOptions &options)
{
    QTextStream err(stderr);
    QString error;
    const PythonCommand command = PythonCommand::parse(options.program, options.workingDirectory, &error);
    if (!command.isValid()) {
        err << "loopscope trace: " << error << '\n';
        return 2;
    }
    // Qt reads only the program's name: the words after it belong to the recorded program.
    int qtArgc = std::min(argc, 1);
    QApplication app(qtArgc, argv);
    setUpApplication();
    MainWindow window;
    if (!window.traceProgram(command, &error)) {
        err << "loopscope trace: " << error << '\n';
        return 2;
    }
    window.show();
    if (options.screenshot.isEmpty())
        return QApplication::exec();
    const QDeadlineTimer deadline(std::chrono::minutes(2));
    while (!window.session().isFinished() && !deadline.hasExpired()) {
        QEventLoop wait;
        QTimer::singleShot(20, &wait, &QEventLoop::quit);
        wait.exec();
    }
    return saveScreenshot(window, options.screenshot, err);
}

int runDesktopApp(int &argc, char **argv)
{
    // The command line is read before QApplication exists: --help, --version and mistakes must be
    // answered in a terminal without a display.
    QTextStream err(stderr);
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    LaunchOptions options;
    try {
        options = LaunchOptions::parse(arguments);
    } catch (const Error &e) {
        err << "loopscope: " << e.message() << '\n';
        return 2;
    }
    if (options.help) {
        QTextStream(stdout) << LaunchOptions::usage();
        return 0;
    }
    if (options.version) {
        QTextStream(stdout) << "loopscope " << loopscopeVersion() << '\n';
        return 0;
    }

    QApplication app(argc, argv);
    setUpApplication();

    MainWindow window;
    QString error;
    if (!options.traceFile.isEmpty()) {
        if (!window.files().openTrace(options.traceFile, &error)) {
            err << "loopscope: " << error << '\n';
            return 2;
        }
    } else if (!options.scenarioId.isEmpty() || !options.parameters.isEmpty()) {
        const QString id
            = options.scenarioId.isEmpty() ? ScenarioRegistry::defaultScenarioId() : options.scenarioId;
        if (!window.openScenario(id, options.parameters, &error)) {
            err << "loopscope: " << error << '\n';
            return 2;
        }
    } else {
        window.openLastScenario();
    }
    takeSteps(window.session(), options.steps);
    if (!options.listen.isEmpty()) {
        // Each program that connects becomes the window's run, drawn as its events arrive.
        if (!window.listen(options.listen, &error)) {
            err << "loopscope: " << error << '\n';
            return 2;
        }
        err << "loopscope: listening for programs: run them with LOOPSCOPE_LIVE=" << window.listenAddress()
            << '\n';
        err.flush();
    }
    window.show();

    if (options.screenshot.isEmpty())
        return QApplication::exec();
    if (!options.listen.isEmpty()) {
        // Listening, the picture is of the first program, once its stream has ended and been drawn.
        QObject::connect(&window, &MainWindow::liveProgramShown, qApp, [](LiveProgram *program) {
            const auto quitSoon = [] { QTimer::singleShot(500, qApp, &QCoreApplication::quit); };
            if (program->isDone())
                quitSoon(); // a short program's whole stream came with its header
            else
                QObject::connect(program, &LiveProgram::done, qApp, quitSoon);
        });
        QApplication::exec();
    }
    return saveScreenshot(window, options.screenshot, err);
}

} // namespace Loopscope
