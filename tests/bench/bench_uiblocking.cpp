#include "bench_uiblocking.h"

#include "window/mainwindow.h"
#include "window/retrievalpanel.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>

#include <algorithm>
#include <vector>

using namespace Loopscope;

UiBlockingResult measureUiBlocking(int pages, int concurrency, int latencyMs, QTextStream &out)
{
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    RetrievalPanel *panel = window.retrieval();
    panel->findChild<QSpinBox *>(QStringLiteral("demoItems"))->setValue(pages * 50);
    panel->findChild<QSpinBox *>(QStringLiteral("demoLatency"))->setValue(latencyMs);
    panel->findChild<QSpinBox *>(QStringLiteral("concurrency"))->setValue(concurrency);

    std::vector<double> gaps;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        gaps.push_back(double(sinceTick.nsecsElapsed()) / 1e6);
        sinceTick.restart();
    });

    UiBlockingResult result;
    result.pages = pages;
    QEventLoop loop;
    QObject::connect(&window.session(), &RunSession::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit); // bounded, whatever happens
    QElapsedTimer wall;
    wall.start();
    sinceTick.start();
    ticker.start();
    panel->findChild<QPushButton *>(QStringLiteral("fetch"))->click();
    loop.exec();
    ticker.stop();
    result.seconds = double(wall.nsecsElapsed()) / 1e9;
    result.finished = window.session().isFinished();
    result.events = window.session().trace() ? window.session().trace()->size() : 0;
    std::sort(gaps.begin(), gaps.end());
    if (!gaps.empty()) {
        result.maxGapMs = gaps.back();
        result.p99GapMs = gaps[gaps.size() * 99 / 100];
    }
    out << QStringLiteral(
        "ui: live retrieval of %1 pages (C = %2, %3 ms latency) in the window: %4 s, %5 events; "
        "UI thread longest away from its event loop %6 ms (p99 %7 ms)%8\n")
               .arg(pages)
               .arg(concurrency)
               .arg(latencyMs)
               .arg(result.seconds, 0, 'f', 2)
               .arg(result.events)
               .arg(result.maxGapMs, 0, 'f', 1)
               .arg(result.p99GapMs, 0, 'f', 1)
               .arg(result.finished ? QString() : QStringLiteral(" — DID NOT FINISH"));
    return result;
}
