#include "bench.h"

#include "cli/eventdispatcher.h"

#include <QCoreApplication>
#ifdef LOOPSCOPE_BENCH_GUI
#include <QApplication> // pictures need fonts, the UI benchmark a window
#endif
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <map>

int main(int argc, char *argv[])
{
    // The network benchmarks measure what `loopscope fetch` and `serve` do, with their event
    // dispatcher (epoll; they show no window); the others keep GLib's, as the desktop app does.
    static const QStringList network { QStringLiteral("server"), QStringLiteral("http"),
        QStringLiteral("adaptive") };
    if (argc >= 2 && network.contains(QString::fromLocal8Bit(argv[1])))
        Loopscope::installCommandLineEventDispatcher();
#ifdef LOOPSCOPE_BENCH_GUI
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
#else
    QCoreApplication app(argc, argv);
#endif
    const std::map<QString, std::function<int(const QStringList &)>> benches {
        { QStringLiteral("scheduler"), benchScheduler },
        { QStringLiteral("server"), benchServer },
        { QStringLiteral("http"), benchHttp },
        { QStringLiteral("pages"), benchPages },
        { QStringLiteral("adaptive"), benchAdaptive },
        { QStringLiteral("pytrace"), benchPytrace },
        { QStringLiteral("analysis"), benchAnalysis },
        { QStringLiteral("stream"), benchStream },
#ifdef LOOPSCOPE_BENCH_GUI
        { QStringLiteral("export"), benchExport },
        { QStringLiteral("render"), benchRender },
        { QStringLiteral("load"), benchLoad },
#endif
    };
    QStringList args = app.arguments().mid(1);
    QTextStream err(stderr);
    if (args.isEmpty() || !benches.contains(args.first())) {
        err << "usage: loopscope-bench <benchmark> [options]\nbenchmarks:";
        for (const auto &[name, fn] : benches)
            err << ' ' << name;
        err << '\n';
        return 2;
    }
    const QString name = args.takeFirst();
    return benches.at(name)(args);
}
