// A program streams its trace (TraceStreamer, LOOPSCOPE_LIVE / LOOPSCOPE_TRACE) and a listener
// reads it as it arrives (LiveListener, LiveProgram, LiveRun): whole, cut short, or hostile.
#include "cli/liveprograms.h"
#include "io/binarytrace.h"
#include "io/tracefilereader.h"
#include "io/traceformaterror.h"
#include "io/tracestreamer.h"
#include "scheduler/errors.h"
#include "testlib/sampletasks.h"
#include "tracefixtures.h"

#include <QBuffer>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace Loopscope;

namespace {

//! Sets an environment variable for the scope.
class ScopedEnvironment
{
public:
    ScopedEnvironment(const char *name, const QByteArray &value)
        : m_name(name)
    {
        qputenv(name, value);
    }
    ~ScopedEnvironment() { qunsetenv(m_name); }

private:
    const char *m_name;
};

//! The events of `trace` as text, to compare two traces.
QStringList described(const Trace &trace)
{
    QStringList lines;
    for (qsizetype i = 0; i < trace.size(); ++i)
        lines << trace.describe(trace.at(i));
    return lines;
}

//! Waits until `program` has ended, at most 10 s.
bool waitUntilDone(LiveProgram &program)
{
    QElapsedTimer clock;
    clock.start();
    while (!program.isDone() && clock.elapsed() < 10'000)
        program.waitForMore(50);
    return program.isDone();
}

} // namespace

class TestLiveStream : public QObject
{
    Q_OBJECT
private slots:
    void aProgramStreamsToAFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.loopscope"));
        const auto s = Fixtures::richTrace();
        {
            const ScopedEnvironment file("LOOPSCOPE_TRACE", path.toUtf8());
            const auto streamer = TraceStreamer::fromEnvironment(s->trace(), QStringLiteral("rich"));
            QVERIFY(streamer);
        } // the end marker goes out here
        const LoadedTrace loaded = TraceFileReader::open(path);
        QCOMPARE(described(*loaded.trace), described(s->trace()));
        QVERIFY(loaded.metadata.program.startsWith(QStringLiteral("rich (pid ")));
        QCOMPARE(loaded.metadata.clock, ClockMode::Real);
    }

    void nothingIsStreamedUnlessAsked()
    {
        const auto s = Fixtures::twoCoroutines();
        QVERIFY(!TraceStreamer::fromEnvironment(s->trace(), QStringLiteral("quiet")));
    }

    void badAddressesAreRefusedWithAReason_data()
    {
        QTest::addColumn<QByteArray>("address");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not this machine") << QByteArray("10.1.2.3:7788") << "10.1.2.3 is not this machine";
        QTest::newRow("no port") << QByteArray("127.0.0.1") << "must be 127.0.0.1:PORT";
        QTest::newRow("a name") << QByteArray("example.com:80") << "must be 127.0.0.1:PORT";
        QTest::newRow("nobody listens") << QByteArray("127.0.0.1:1") << "nothing listens on 127.0.0.1:1";
    }
    void badAddressesAreRefusedWithAReason()
    {
        QFETCH(QByteArray, address);
        QFETCH(QString, reason);
        const ScopedEnvironment live("LOOPSCOPE_LIVE", address);
        const auto s = Fixtures::twoCoroutines();
        try {
            TraceStreamer::fromEnvironment(s->trace(), QStringLiteral("p"));
            QFAIL("the address was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(reason), qPrintable(error.message()));
        }
        QVERIFY_THROWS_EXCEPTION(
            Error, LiveListener(QString::fromUtf8(address.startsWith("127") ? "127.0.0.1" : address)));
    }

    void aListeningWindowReadsTheProgramAsItRuns_data()
    {
        QTest::addColumn<bool>("unixSocket");
        QTest::newRow("loopback") << false;
        QTest::newRow("unix socket") << true;
    }
    void aListeningWindowReadsTheProgramAsItRuns()
    {
        QFETCH(bool, unixSocket);
        QTemporaryDir dir;
        LiveListener listener(
            unixSocket ? dir.filePath(QStringLiteral("live.sock")) : QStringLiteral("127.0.0.1:0"));
        std::shared_ptr<LiveProgram> program;
        connect(&listener, &LiveListener::programConnected, this,
            [&program](std::shared_ptr<LiveProgram> connected) { program = std::move(connected); });
        const auto s = Fixtures::richTrace();
        {
            const ScopedEnvironment live("LOOPSCOPE_LIVE", listener.address().toUtf8());
            const auto streamer = TraceStreamer::fromEnvironment(s->trace(), QStringLiteral("rich"));
            QTRY_VERIFY(program);
            QTRY_VERIFY(program->hasHeader());
            QVERIFY(!program->isDone()); // the program has not ended: its stream goes on
        }
        QVERIFY(waitUntilDone(*program));
        QCOMPARE(program->problem(), QString());
        QVERIFY(program->name().startsWith(QStringLiteral("rich (pid ")));
        QCOMPARE(described(program->trace()), described(s->trace()));

        // Played as a run, step by step, to the same end.
        LiveRun run(program);
        run.runToEnd();
        QVERIFY(run.isFinished());
        QCOMPARE(described(run.trace()), described(s->trace()));
        QCOMPARE(run.recordedMetadata()->program, program->name());
    }

    void whatARunningProgramRecordsReachesTheWindowWhileItRuns()
    {
        // The sender writes in batches, but none waits long: a program that records a little and
        // then idles has it in the window while it still runs.
        LiveListener listener(QStringLiteral("127.0.0.1:0"));
        std::shared_ptr<LiveProgram> program;
        connect(&listener, &LiveListener::programConnected, this,
            [&program](std::shared_ptr<LiveProgram> connected) { program = std::move(connected); });
        Scheduler s;
        const ScopedEnvironment live("LOOPSCOPE_LIVE", listener.address().toUtf8());
        const auto streamer = TraceStreamer::fromEnvironment(s.trace(), QStringLiteral("idler"));
        s.spawn(Testing::readRecord(QStringLiteral("a")), QStringLiteral("C1"));
        for (int i = 0; i < 3; ++i)
            s.step();
        QTRY_VERIFY(program);
        QTRY_COMPARE_WITH_TIMEOUT(program->trace().size(), s.trace().size(), 10'000);
        QVERIFY(!program->isDone());
        QCOMPARE(described(program->trace()), described(s.trace()));
    }

    void theProgramGoesOnWhenTheWindowGoesAway()
    {
        auto listener = std::make_unique<LiveListener>(QStringLiteral("127.0.0.1:0"));
        std::shared_ptr<LiveProgram> program;
        connect(listener.get(), &LiveListener::programConnected, this,
            [&program](std::shared_ptr<LiveProgram> connected) { program = std::move(connected); });
        Trace trace;
        const auto record = [&trace](int events) {
            for (int i = 0; i < events; ++i)
                trace.append(EventKind::Message, trace.size(), NoTask);
            trace.publish(); // a flush every 65,536 events, as a running program has them
        };
        {
            const ScopedEnvironment live("LOOPSCOPE_LIVE", listener->address().toUtf8());
            const auto streamer = TraceStreamer::fromEnvironment(trace, QStringLiteral("leaving"));
            QTRY_VERIFY(program);
            record(100'000);
            program.reset(); // the window closes, and its end of the connection with it
            listener.reset();
            // The program records on, far more than the socket holds, and is neither stopped nor hung.
            for (int round = 0; round < 10; ++round) {
                record(100'000);
                QTest::qWait(20);
            }
        }
        QCOMPARE(trace.size(), 1'100'000);
    }

    void aProgramThatStopsMidStreamLeavesATraceThatSaysSo()
    {
        LiveListener listener(QStringLiteral("127.0.0.1:0"));
        std::shared_ptr<LiveProgram> program;
        connect(&listener, &LiveListener::programConnected, this,
            [&program](std::shared_ptr<LiveProgram> connected) { program = std::move(connected); });
        const auto s = Fixtures::twoCoroutines();
        QByteArray stream;
        BinaryTraceEncoder encoder(s->trace());
        encoder.start(stream, Fixtures::metadata());
        encoder.writeNew(stream);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, listener.address().section(u':', -1).toUShort());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(stream.left(stream.size() - 100)); // killed before the last block went out
        QVERIFY(socket.waitForBytesWritten(5000));
        QTRY_VERIFY(program);
        socket.disconnectFromHost();
        QVERIFY(waitUntilDone(*program));
        QVERIFY2(program->problem().contains(QStringLiteral("went away before the end")),
            qPrintable(program->problem()));
        const Trace &trace = program->trace();
        QVERIFY(trace.size() > 0 && trace.size() < s->trace().size() + 1);
        QCOMPARE(trace.last().kind, EventKind::Message);
        QVERIFY(trace.labels().text(trace.last().detail).contains(QStringLiteral("went away")));
    }

    void hostileStreamsAreClosedWithAMessage_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QByteArray huge = BinaryTrace::magic();
        huge += QByteArray("META\x01\0\0\0\xff\xff\xff\xff\xff\xff\xff\x7f", 16);
        QTest::newRow("garbage") << QByteArray("GET / HTTP/1.1\r\n\r\n") << "not a binary Loopscope trace";
        QTest::newRow("huge length") << huge << "bytes (at most 67108864 are allowed)";
        QByteArray version = BinaryTrace::magic();
        version[14] = 9;
        QTest::newRow("wrong version") << version << "unsupported binary trace version 9";
    }
    void hostileStreamsAreClosedWithAMessage()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        LiveListener listener(QStringLiteral("127.0.0.1:0"));
        std::shared_ptr<LiveProgram> program;
        connect(&listener, &LiveListener::programConnected, this,
            [&program](std::shared_ptr<LiveProgram> connected) { program = std::move(connected); });
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, listener.address().section(u':', -1).toUShort());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(bytes);
        QVERIFY(socket.waitForBytesWritten(5000));
        QTRY_VERIFY(program);
        QVERIFY(waitUntilDone(*program)); // closed by the reader, while the sender still holds it open
        QVERIFY2(program->problem().contains(reason), qPrintable(program->problem()));
        QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
    }

    void randomBytesNeverCrashTheReader()
    {
        // A stream reader fed mutated streams in random pieces ends in a message or a trace.
        const auto s = Fixtures::richTrace();
        QByteArray whole;
        BinaryTraceEncoder encoder(s->trace());
        encoder.start(whole, Fixtures::metadata());
        encoder.end(whole);
        QRandomGenerator random(11);
        for (int round = 0; round < 2000; ++round) {
            QByteArray bytes = whole;
            for (int i = 0; i < 1 + int(random.bounded(6)); ++i)
                bytes[random.bounded(bytes.size())] = char(random.bounded(256));
            Trace trace;
            BinaryTraceDecoder decoder(trace);
            try {
                for (qsizetype at = 0; at < bytes.size();) {
                    const qsizetype piece = std::min<qsizetype>(bytes.size() - at, 1 + random.bounded(300));
                    decoder.feed(QByteArrayView(bytes).sliced(at, piece));
                    at += piece;
                }
                decoder.finish();
            } catch (const TraceFormatError &) { }
            QVERIFY(trace.size() <= s->trace().size());
        }
    }
};

QTEST_GUILESS_MAIN(TestLiveStream)
#include "tst_livestream.moc"
