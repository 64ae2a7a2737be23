// Scenario "producer-consumer": stock quotes flow from a reader to a display through a small queue.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/quote.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/boundedqueue.h"

#include <deque>
#include <numeric>
#include <QFile>
#include <QTextStream>

namespace Loopscope {

namespace {

const QString QuotesFile = QStringLiteral(":/data/quotes.csv");

// Reads quotes one by one from a slow feed and puts them on the queue, waiting while it is full.
Task<void> produce(BoundedQueue<Quote> &queue, int count, nanoseconds readTime)
{
    QFile file(QuotesFile);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw Error(QStringLiteral("cannot read the quotes: %1").arg(file.errorString()));
    QTextStream lines(&file);
    if (lines.readLine().trimmed() != Quote::csvHeader())
        throw Error(QStringLiteral("%1 does not start with %2").arg(QuotesFile, Quote::csvHeader()));
    try {
        for (int n = 1; n <= count && !lines.atEnd(); ++n) {
            co_await io(QStringLiteral("read quote %1").arg(n), readTime);
            co_await queue.put(Quote::fromCsvLine(lines.readLine(), QuotesFile, n + 1));
        }
    } catch (...) {
        queue.close(); // the consumer must not wait for quotes that will never come
        throw;
    }
    queue.close(); // no more quotes: the consumer finishes once the queue is empty
    co_await say(QStringLiteral("no more quotes: queue closed"));
}

// Takes quotes off the queue and shows each with the simple moving average of the last 10.
Task<void> consume(BoundedQueue<Quote> &queue, nanoseconds showTime)
{
    std::deque<double> window;
    int shown = 0;
    while (const std::optional<Quote> quote = co_await queue.get()) {
        window.push_back(quote->close);
        if (window.size() > 10)
            window.pop_front();
        const double average
            = std::accumulate(window.begin(), window.end(), 0.0) / static_cast<double>(window.size());
        co_await say(
            QStringLiteral("%1 %2 %3  SMA(%4) %5")
                .arg(quote->date.toString(Qt::ISODate), quote->symbol, QString::number(quote->close, 'f', 2))
                .arg(window.size())
                .arg(QString::number(average, 'f', 2)));
        co_await sleep(showTime); // showing a quote takes longer than reading one
        ++shown;
    }
    co_await say(QStringLiteral("queue closed and empty after %1 quotes: done").arg(shown));
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const auto capacity = static_cast<std::size_t>(integerParameter(params, QStringLiteral("capacity")));
    const int count = static_cast<int>(integerParameter(params, QStringLiteral("quotes")));
    const auto readTime = std::chrono::milliseconds(integerParameter(params, QStringLiteral("read_ms")));
    const auto showTime = std::chrono::milliseconds(integerParameter(params, QStringLiteral("show_ms")));
    auto run = std::make_unique<SchedulerRun>();
    auto &queue = run->hold(std::make_unique<BoundedQueue<Quote>>(capacity, QStringLiteral("quotes")));
    run->loop().spawn(produce(queue, count, readTime), QStringLiteral("producer"));
    run->loop().spawn(consume(queue, showTime), QStringLiteral("consumer"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makeProducerConsumerScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("producer-consumer");
    info.title = QStringLiteral("Producer and consumer with a bounded queue");
    info.summary
        = QStringLiteral("Stock quotes pass through a small queue; a slow consumer holds the producer back");
    info.explanation = QStringLiteral(
        "The producer reads daily stock quotes from a CSV file, one at a time, and puts each on a queue "
        "that holds only a few. The consumer takes them off and shows every quote with the simple moving "
        "average of the last ten closes. Showing takes longer than reading, so the queue fills up and the "
        "producer has to wait for room: that is back-pressure, and it keeps memory bounded however fast "
        "the source is. When the file is done the producer closes the queue; the consumer drains what is "
        "left and then ends cleanly instead of waiting forever.");
    info.sourcePath = QStringLiteral(":/scenarios/producerconsumer.cpp");
    info.parameters = {
        { QStringLiteral("capacity"), QStringLiteral("how many quotes the queue holds"), 3, 1, 1000 },
        { QStringLiteral("quotes"), QStringLiteral("how many quotes the producer reads (the file has 120)"),
            120, 1, 120 },
        { QStringLiteral("read_ms"), QStringLiteral("how long reading one quote takes, in milliseconds"), 10,
            0, 60000 },
        { QStringLiteral("show_ms"), QStringLiteral("how long showing one quote takes, in milliseconds"), 50,
            0, 60000 },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
