#include "trace/trace.h"

#include <QtTest>

using namespace Loopscope;

class TestTrace : public QObject
{
    Q_OBJECT
private slots:
    void appends() { Trace t; t.append(EventKind::LoopStarted, 0, NoTask); QCOMPARE(t.size(), 1); }
};

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
